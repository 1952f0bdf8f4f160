using Research.Backtesting.Metrics;

namespace Research.Backtesting.TearSheets;

/// <summary>
/// Everything a tear sheet shows for a daily return series, computed from the series alone (a backtest's stored track or
/// any file a user brings): labelled summary lines, statistics against a benchmark, rolling Sharpe, volatility and beta,
/// calendar-year and monthly returns, the five worst drawdowns and the wealth curve. <see cref="Conventions"/> says how.
/// </summary>
public sealed record TearSheet(
    DateOnly[] Dates,
    double[] Returns,
    double[]? Benchmark,
    IReadOnlyList<MetricLine> Lines,
    BenchmarkRelative? Relative,
    RollingStatistics Rolling,
    IReadOnlyList<AnnualReturn> Years,
    IReadOnlyList<(int Year, int Month, double Return)> Months,
    IReadOnlyList<DrawdownPeriod> WorstDrawdowns,
    double[] Wealth,
    IReadOnlyList<string> Conventions)
{
    /// <summary>Group of the benchmark lines.</summary>
    public const string BenchmarkGroup = "Against the benchmark";

    /// <summary>The tear sheet of <paramref name="returns"/> on <paramref name="dates"/> (ascending, one return per date, decimals), optionally against <paramref name="benchmark"/> on the same dates.</summary>
    public static TearSheet Of(DateOnly[] dates, double[] returns, double[]? benchmark = null, double riskFreePerDay = 0, int rollingWindow = RollingStatistics.DefaultWindow, int riskFreeMissingDays = 0)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(returns);
        if (dates.Length != returns.Length || (benchmark is not null && benchmark.Length != returns.Length))
        {
            throw new ArgumentException($"{dates.Length} dates, {returns.Length} returns{(benchmark is null ? string.Empty : $", {benchmark.Length} benchmark returns")}: one of each per day.");
        }

        if (returns.Length < 2)
        {
            throw new ArgumentException($"{returns.Length} returns: a tear sheet needs at least two days.");
        }

        var relative = benchmark is null ? null : BenchmarkRelative.Of(returns, benchmark, riskFreePerDay);
        // The return lines as a backtest's result states them (same labels and units), then the day extremes.
        var lines = MetricSheet.Of(BacktestMetrics.OfReturns(dates, returns, riskFreePerDay) with { RiskFreeMissingDays = riskFreeMissingDays }).Where(l => l.Group != MetricSheet.Trading).ToList();
        lines.Add(MetricSheet.PercentLine(MetricSheet.Performance, "bestDay", "Best day", returns.Max(), 2));
        lines.Add(MetricSheet.PercentLine(MetricSheet.Performance, "worstDay", "Worst day", returns.Min(), 2));
        if (relative is not null)
        {
            lines.Add(MetricSheet.PercentLine(BenchmarkGroup, "alpha", "Alpha (annual, geometric)", relative.Alpha, 2));
            lines.Add(MetricSheet.NumberLine(BenchmarkGroup, "beta", "Beta", relative.Beta, 3));
            lines.Add(MetricSheet.NumberLine(BenchmarkGroup, "informationRatio", "Information ratio (annual)", relative.InformationRatio, 2));
            lines.Add(MetricSheet.PercentLine(BenchmarkGroup, "trackingError", "Tracking error (annual)", relative.TrackingError, 2));
            lines.Add(MetricSheet.NumberLine(BenchmarkGroup, "correlation", "Correlation", relative.Correlation, 3));
            lines.Add(MetricSheet.PercentLine(BenchmarkGroup, "benchmarkTotalReturn", "Benchmark total return", PerformanceMetrics.CumulativeReturn(benchmark!), 2));
        }

        return new TearSheet(dates, returns, benchmark, lines, relative, RollingStatistics.Of(returns, benchmark, rollingWindow, riskFreePerDay),
            AnnualReturn.Of(dates, returns, benchmark), PerformanceMetrics.MonthlyReturns(dates, returns), DrawdownPeriod.Worst(dates, returns),
            PerformanceMetrics.Wealth(returns), Describe(riskFreePerDay, rollingWindow, riskFreeMissingDays, dates.Length));
    }

    private static string[] Describe(double riskFreePerDay, int window, int riskFreeMissingDays, int days) =>
    [
        $"Daily simple returns (0.01 = 1%); {PerformanceMetrics.PeriodsPerYear} sessions a year for every annualised figure; standard deviations with ddof = 1 (empyrical).",
        riskFreePerDay == 0 && riskFreeMissingDays == 0
            ? "Risk-free rate: none (0), so Sharpe, Sortino, alpha and beta are of the raw returns."
            : $"Risk-free rate: {riskFreePerDay:G4} a day (the mean over the run), subtracted before Sharpe, Sortino, alpha and beta.",
        .. riskFreeMissingDays > 0
            ? (string[])[$"The data has no risk-free rate on {riskFreeMissingDays} of the {days} sessions; those sessions count it as 0 (cash earned nothing there, and the mean above includes them as 0)."]
            : [],
        "Alpha: mean daily (r − rf) − β (b − rf), annualised geometrically, (1 + α)^252 − 1; information ratio and tracking error from the active return r − b.",
        $"Rolling statistics over the last {window} sessions, shown once the window is full.",
        "Drawdowns from a wealth of 1 before the first day; a drawdown's length counts sessions from its peak to its recovery (or to the last day).",
        "Missing values are not filled: every day must have a return (and a benchmark return when one is given).",
    ];
}
