using Research.Backtesting.Engine;

namespace Research.Backtesting.Metrics;

/// <summary>The headline numbers of a run (empyrical conventions, see <see cref="PerformanceMetrics"/>).</summary>
public sealed record BacktestMetrics(
    DateOnly From,
    DateOnly To,
    int Days,
    double TotalReturn,
    double Cagr,
    double AnnualVolatility,
    double Sharpe,
    double Sortino,
    double MaxDrawdown,
    double Calmar,
    double HitRate,
    double Skewness,
    double Kurtosis,
    double AnnualTurnover,
    double AnnualCosts,
    double MeanGrossExposure,
    int Trades)
{
    /// <summary>Metrics of a result; the risk-free rate per day (e.g. from Fama-French) makes Sharpe an excess-return ratio.</summary>
    public static BacktestMetrics Of(BacktestResult result, double riskFreePerDay = 0)
    {
        ArgumentNullException.ThrowIfNull(result);
        var r = result.Returns;
        var years = r.Length / (double)PerformanceMetrics.PeriodsPerYear;
        return new BacktestMetrics(
            result.Dates[0],
            result.Dates[^1],
            r.Length,
            PerformanceMetrics.CumulativeReturn(r),
            PerformanceMetrics.Cagr(r),
            PerformanceMetrics.AnnualVolatility(r),
            PerformanceMetrics.Sharpe(r, riskFreePerDay),
            PerformanceMetrics.Sortino(r, riskFreePerDay),
            PerformanceMetrics.MaxDrawdown(r),
            PerformanceMetrics.Calmar(r),
            PerformanceMetrics.HitRate(r),
            r.Length > 2 ? PerformanceMetrics.Skewness(r) : double.NaN,
            PerformanceMetrics.Kurtosis(r),
            result.Turnover.Sum() / years,
            result.Costs.Sum() / years,
            result.LongExposure.Zip(result.ShortExposure, (l, s) => l - s).Average(),
            result.Trades.Count);
    }
}
