using Research.Backtesting.Metrics;

namespace Research.Backtesting.TearSheets;

/// <summary>
/// A return series against a benchmark, in empyrical's conventions (pyfolio's tear sheet), both in excess of the same
/// risk-free rate: β = cov(r − r_f, b − r_f) / var(b − r_f); daily α_t = (r_t − r_f) − β (b_t − r_f), annualised
/// geometrically, (1 + mean α)^252 − 1; active returns a_t = r_t − b_t; tracking error = sd(a) √252 (ddof 1);
/// information ratio = mean(a) / sd(a) √252; correlation of r and b (Pearson).
/// </summary>
/// <param name="Alpha">Annualised alpha (geometric).</param>
/// <param name="DailyAlpha">Mean daily alpha (its arithmetic annualisation, × 252, is what older empyrical reported).</param>
/// <param name="Beta">Beta to the benchmark.</param>
/// <param name="InformationRatio">Annualised information ratio.</param>
/// <param name="TrackingError">Annualised tracking error.</param>
/// <param name="Correlation">Correlation of the daily returns.</param>
public sealed record BenchmarkRelative(double Alpha, double DailyAlpha, double Beta, double InformationRatio, double TrackingError, double Correlation)
{
    /// <summary>The statistics of <paramref name="returns"/> against <paramref name="benchmark"/> (same days, same length), NaN below two days.</summary>
    public static BenchmarkRelative Of(IReadOnlyList<double> returns, IReadOnlyList<double> benchmark, double riskFreePerDay = 0)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(benchmark);
        if (returns.Count != benchmark.Count)
        {
            throw new ArgumentException($"{returns.Count} returns against {benchmark.Count} benchmark returns: align them by date first.", nameof(benchmark));
        }

        var n = returns.Count;
        if (n < 2)
        {
            return new BenchmarkRelative(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var x = returns.Select(r => r - riskFreePerDay).ToArray();
        var y = benchmark.Select(b => b - riskFreePerDay).ToArray();
        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, syy = 0, sxx = 0;
        for (var t = 0; t < n; t++)
        {
            sxy += (x[t] - mx) * (y[t] - my);
            syy += (y[t] - my) * (y[t] - my);
            sxx += (x[t] - mx) * (x[t] - mx);
        }

        var beta = syy > 0 ? sxy / syy : double.NaN;
        var dailyAlpha = mx - (beta * my);
        var active = returns.Zip(benchmark, (r, b) => r - b).ToArray();
        var te = PerformanceMetrics.StandardDeviation(active);
        var scale = Math.Sqrt(PerformanceMetrics.PeriodsPerYear);
        return new BenchmarkRelative(
            Math.Pow(1 + dailyAlpha, PerformanceMetrics.PeriodsPerYear) - 1,
            dailyAlpha,
            beta,
            te > 0 ? active.Average() / te * scale : double.NaN,
            te * scale,
            sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN);
    }
}
