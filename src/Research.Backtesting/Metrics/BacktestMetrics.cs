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
    /// <summary>
    /// Sessions of the run without a risk-free rate in the data (the synthetic market's Fama-French file starts after its
    /// CRSP data, for example). Convention: such a session counts the rate as 0 (cash earns nothing there, and the mean
    /// daily rate that Sharpe and Sortino subtract is the sum of the known rates over all sessions). 0 for a series whose
    /// rate was given, not looked up.
    /// </summary>
    public int RiskFreeMissingDays { get; init; }

    /// <summary>Metrics of a result; the risk-free rate per day (e.g. from Fama-French) makes Sharpe an excess-return ratio.</summary>
    public static BacktestMetrics Of(BacktestResult result, double riskFreePerDay = 0)
    {
        ArgumentNullException.ThrowIfNull(result);
        var years = result.Returns.Length / (double)PerformanceMetrics.PeriodsPerYear;
        return OfReturns(result.Dates, result.Returns, riskFreePerDay) with
        {
            AnnualTurnover = result.Turnover.Sum() / years,
            AnnualCosts = result.Costs.Sum() / years,
            MeanGrossExposure = result.LongExposure.Zip(result.ShortExposure, (l, s) => l - s).Average(),
            Trades = result.Trades.Count,
        };
    }

    /// <summary>The return figures of a daily series alone (a tear sheet of any series); the trading figures are 0.</summary>
    public static BacktestMetrics OfReturns(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> r, double riskFreePerDay = 0)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(r);
        return new BacktestMetrics(
            dates[0],
            dates[^1],
            r.Count,
            PerformanceMetrics.CumulativeReturn(r),
            PerformanceMetrics.Cagr(r),
            PerformanceMetrics.AnnualVolatility(r),
            PerformanceMetrics.Sharpe(r, riskFreePerDay),
            PerformanceMetrics.Sortino(r, riskFreePerDay),
            PerformanceMetrics.MaxDrawdown(r),
            PerformanceMetrics.Calmar(r),
            PerformanceMetrics.HitRate(r),
            r.Count > 2 ? PerformanceMetrics.Skewness(r) : double.NaN,
            PerformanceMetrics.Kurtosis(r),
            0,
            0,
            0,
            0);
    }
}
