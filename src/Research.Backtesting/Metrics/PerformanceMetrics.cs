using MathNet.Numerics.Distributions;
using Research.Core.Calendars;
using Research.Core.Statistics;

namespace Research.Backtesting.Metrics;

/// <summary>
/// Performance metrics of a daily simple-return series, following the conventions of empyrical (Quantopian), so that
/// numbers agree with what most quants compute in Python:
/// <list type="bullet">
/// <item>252 periods a year; sample standard deviations use ddof = 1.</item>
/// <item>CAGR = (Π(1 + r))^(252 / T) − 1.</item>
/// <item>Sharpe = mean(r − r_f) / sd(r − r_f) × √252; Sortino = mean(r − r_f) × 252 / downside risk, downside risk =
/// √(mean(min(r − r_f, 0)²)) × √252 (mean over all periods, as empyrical).</item>
/// <item>Drawdowns are measured from a starting wealth of 1 placed before the first return, so a loss on day one is a
/// drawdown.</item>
/// </list>
/// Returns must be finite decimals (0.01 = 1%).
/// </summary>
public static class PerformanceMetrics
{
    /// <summary>Periods a year: <see cref="Annualisation.SessionsPerYear"/>.</summary>
    public const int PeriodsPerYear = Annualisation.SessionsPerYear;

    public static double CumulativeReturn(IReadOnlyList<double> returns)
    {
        Check(returns);
        var wealth = 1.0;
        foreach (var r in returns)
        {
            wealth *= 1 + r;
        }

        return wealth - 1;
    }

    public static double Cagr(IReadOnlyList<double> returns) =>
        Math.Pow(1 + CumulativeReturn(returns), (double)PeriodsPerYear / returns.Count) - 1;

    public static double AnnualVolatility(IReadOnlyList<double> returns) => StandardDeviation(returns) * Math.Sqrt(PeriodsPerYear);

    public static double Sharpe(IReadOnlyList<double> returns, double riskFreePerPeriod = 0)
    {
        Check(returns);
        var excess = returns.Select(r => r - riskFreePerPeriod).ToArray();
        var sd = StandardDeviation(excess);
        return sd == 0 ? double.NaN : excess.Average() / sd * Math.Sqrt(PeriodsPerYear);
    }

    public static double DownsideRisk(IReadOnlyList<double> returns, double requiredPerPeriod = 0)
    {
        Check(returns);
        var mean = returns.Select(r => Math.Min(r - requiredPerPeriod, 0)).Select(d => d * d).Average();
        return Math.Sqrt(mean) * Math.Sqrt(PeriodsPerYear);
    }

    public static double Sortino(IReadOnlyList<double> returns, double requiredPerPeriod = 0)
    {
        var downside = DownsideRisk(returns, requiredPerPeriod);
        return downside == 0 ? double.NaN : returns.Average(r => r - requiredPerPeriod) * PeriodsPerYear / downside;
    }

    /// <summary>Drawdown series: wealth / running peak − 1, the peak starting at wealth 1 before the first return.</summary>
    public static double[] Drawdowns(IReadOnlyList<double> returns)
    {
        Check(returns);
        var drawdowns = new double[returns.Count];
        double wealth = 1, peak = 1;
        for (var t = 0; t < returns.Count; t++)
        {
            wealth *= 1 + returns[t];
            peak = Math.Max(peak, wealth);
            drawdowns[t] = (wealth / peak) - 1;
        }

        return drawdowns;
    }

    /// <summary>Wealth after each period from 1 before the first return (the equity curve).</summary>
    public static double[] Wealth(IReadOnlyList<double> returns)
    {
        Check(returns);
        var wealth = new double[returns.Count];
        double w = 1;
        for (var t = 0; t < returns.Count; t++)
        {
            w *= 1 + returns[t];
            wealth[t] = w;
        }

        return wealth;
    }

    /// <summary>Compounded return of each calendar month that has at least one period: prod(1 + r) - 1 over its days, in date order.</summary>
    public static IReadOnlyList<(int Year, int Month, double Return)> MonthlyReturns(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns)
    {
        ArgumentNullException.ThrowIfNull(dates);
        Check(returns);
        if (dates.Count != returns.Count)
        {
            throw new ArgumentException($"{dates.Count} dates for {returns.Count} returns.", nameof(dates));
        }

        var months = new List<(int, int, double)>();
        var t = 0;
        while (t < dates.Count)
        {
            var (year, month) = (dates[t].Year, dates[t].Month);
            double growth = 1;
            for (; t < dates.Count && dates[t].Year == year && dates[t].Month == month; t++)
            {
                growth *= 1 + returns[t];
            }

            months.Add((year, month, growth - 1));
        }

        return months;
    }

    /// <summary>The deepest drawdown, as a negative number (0 when wealth never fell below a peak).</summary>
    public static double MaxDrawdown(IReadOnlyList<double> returns) => Math.Min(0, Drawdowns(returns).Min());

    public static double Calmar(IReadOnlyList<double> returns)
    {
        var drawdown = MaxDrawdown(returns);
        return drawdown == 0 ? double.NaN : Cagr(returns) / -drawdown;
    }

    /// <summary>Share of periods with a positive return (a zero return counts as not a hit).</summary>
    public static double HitRate(IReadOnlyList<double> returns)
    {
        Check(returns);
        return (double)returns.Count(r => r > 0) / returns.Count;
    }

    /// <summary>Skewness of the returns: <see cref="Moments.Skewness"/> (bias-corrected, scipy.stats.skew with bias=False).</summary>
    public static double Skewness(IReadOnlyList<double> returns)
    {
        Check(returns);
        return Moments.Skewness(returns);
    }

    /// <summary>Kurtosis of the returns: <see cref="Moments.Kurtosis"/> (m4 / m2², not excess), as in the deflated Sharpe ratio paper.</summary>
    public static double Kurtosis(IReadOnlyList<double> returns)
    {
        Check(returns);
        return Moments.Kurtosis(returns);
    }

    /// <summary>Sample standard deviation (ddof = 1) of finite values: <see cref="Moments.StandardDeviation"/>.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        Check(values);
        return Moments.StandardDeviation(values);
    }

    /// <summary>
    /// Probabilistic Sharpe ratio (Bailey and López de Prado 2012): the probability that the true per-period Sharpe ratio
    /// exceeds <paramref name="benchmark"/>, given the observed per-period Sharpe <paramref name="sharpe"/> over
    /// <paramref name="periods"/> observations with the given skewness and (non-excess) kurtosis:
    /// Φ((SR − SR*) √(T − 1) / √(1 − γ₃ SR + (γ₄ − 1)/4 SR²)).
    /// </summary>
    public static double ProbabilisticSharpe(double sharpe, double benchmark, int periods, double skewness, double kurtosis)
    {
        var denominator = 1 - (skewness * sharpe) + ((kurtosis - 1) / 4 * sharpe * sharpe);
        if (periods < 2 || denominator <= 0)
        {
            throw new ArgumentException($"the probabilistic Sharpe ratio needs at least 2 periods and 1 − γ₃SR + (γ₄−1)/4 SR² > 0 (got {denominator}).");
        }

        return Normal.CDF(0, 1, (sharpe - benchmark) * Math.Sqrt(periods - 1) / Math.Sqrt(denominator));
    }

    /// <summary>
    /// Expected maximum Sharpe ratio of <paramref name="trials"/> independent strategies with true Sharpe 0 whose Sharpe
    /// estimates have variance <paramref name="sharpeVariance"/> (False Strategy theorem):
    /// √V ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))), γ the Euler-Mascheroni constant.
    /// </summary>
    public static double ExpectedMaximumSharpe(int trials, double sharpeVariance)
    {
        if (trials < 2 || sharpeVariance < 0)
        {
            throw new ArgumentException("the expected maximum Sharpe ratio needs at least 2 trials and a non-negative variance.");
        }

        const double euler = 0.5772156649015329;
        return Math.Sqrt(sharpeVariance) * (((1 - euler) * Normal.InvCDF(0, 1, 1 - (1.0 / trials))) + (euler * Normal.InvCDF(0, 1, 1 - (1.0 / (trials * Math.E)))));
    }

    /// <summary>
    /// Deflated Sharpe ratio (Bailey and López de Prado 2014): the probabilistic Sharpe ratio against the Sharpe ratio the
    /// best of <paramref name="trials"/> skill-less strategies would show. Sharpe ratios and their variance are
    /// <b>annualised</b> here and converted to per-period values with <paramref name="periodsPerYear"/>: the paper's
    /// worked example uses 250 days a year (its DSR of 0.9004 is reproduced exactly with 250); the platform passes its
    /// 252 sessions a year everywhere (walk-forward summaries included), which gives 0.8997 for the same inputs.
    /// </summary>
    public static double DeflatedSharpe(double annualSharpe, double annualSharpeVariance, int trials, int periods, double skewness, double kurtosis, int periodsPerYear = PeriodsPerYear)
    {
        var perPeriod = annualSharpe / Math.Sqrt(periodsPerYear);
        var benchmark = ExpectedMaximumSharpe(trials, annualSharpeVariance) / Math.Sqrt(periodsPerYear);
        return ProbabilisticSharpe(perPeriod, benchmark, periods, skewness, kurtosis);
    }

    private static void Check(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("the return series is empty.");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"return {i} is {values[i]}; metrics need finite returns.");
            }
        }
    }
}
