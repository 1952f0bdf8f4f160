using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Backtests;

/// <summary>
/// What a result page draws for a backtest or walk-forward: the daily track and its derived views (computed in the silo
/// by the library). Turnover, exposures, costs and the legs' contributions are null where the run did not record them
/// (a walk-forward's stitched track; leg contributions of a result stored before they were kept).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.backtests.ResultView")]
public sealed record ResultView(
    [property: Id(0)] string JobId,
    [property: Id(1)] DateOnly[] Dates,
    [property: Id(2)] double[] Returns,
    [property: Id(3)] double[] Wealth,
    [property: Id(4)] double[] Drawdown,
    [property: Id(5)] MonthlyReturn[] Monthly,
    [property: Id(6)] double[]? Turnover,
    [property: Id(7)] double[]? LongExposure,
    [property: Id(8)] double[]? ShortExposure,
    [property: Id(9)] double[]? Costs,
    [property: Id(10)] double[]? LongContribution = null,
    [property: Id(11)] double[]? ShortContribution = null);

[GenerateSerializer, Immutable, Alias("research.backtests.MonthlyReturn")]
public sealed record MonthlyReturn([property: Id(0)] int Year, [property: Id(1)] int Month, [property: Id(2)] double Return);

[GenerateSerializer, Immutable, Alias("research.backtests.TradeRow")]
public sealed record TradeRow([property: Id(0)] DateOnly Date, [property: Id(1)] int Permno, [property: Id(2)] double WeightBefore, [property: Id(3)] double WeightAfter, [property: Id(4)] double Cost,
    [property: Id(5)] string? Ticker = null, [property: Id(6)] string? Name = null, [property: Id(7)] double? Value = null, [property: Id(8)] double? Price = null,
    [property: Id(9)] double? Shares = null, [property: Id(10)] double? Realized = null);

[GenerateSerializer, Immutable, Alias("research.backtests.TradePage")]
public sealed record TradePage([property: Id(0)] long Total, [property: Id(1)] TradeRow[] Rows);

/// <summary>A position on a date.</summary>
/// <param name="Pnl">The security's profit or loss in dollars over the whole run (its price moves while held; not costs or borrow); null for a result stored before it was kept.</param>
[GenerateSerializer, Immutable, Alias("research.backtests.PositionRow")]
public sealed record PositionRow([property: Id(0)] int Permno, [property: Id(1)] double Weight, [property: Id(2)] string? Ticker = null, [property: Id(3)] string? Name = null, [property: Id(4)] double? Pnl = null);

/// <summary>The last positions of a result, largest first, and the sums of the long and the short side.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.PositionSnapshot")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Long and Short are the two sides of a book, not integer types.")]
public sealed record PositionSnapshot([property: Id(0)] DateOnly? Date, [property: Id(1)] PositionRow[] Rows, [property: Id(2)] double Long, [property: Id(3)] double Short);

/// <summary>Per-path metrics of a Monte Carlo (one value per path, path order) and its wealth fan when stored.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.MonteCarloView")]
public sealed record MonteCarloView(
    [property: Id(0)] double[] Sharpe,
    [property: Id(1)] double[] Cagr,
    [property: Id(2)] double[] MaxDrawdown,
    [property: Id(3)] double[] TerminalWealth,
    [property: Id(4)] FanView? Fan = null,
    [property: Id(5)] ObservedPath? Observed = null);

/// <summary>
/// The resampled backtest's own track measured as each path is (no risk-free rate, 252 sessions a year), to mark on the
/// path distributions. Wealth and drawdown are comparable with the paths only when the paths are as long as the track
/// (<see cref="Comparable"/>); Sharpe and CAGR are annual figures and always are.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.backtests.ObservedPath")]
public sealed record ObservedPath(
    [property: Id(0)] string SourceJob,
    [property: Id(1)] int Days,
    [property: Id(2)] int PathDays,
    [property: Id(3)] double Sharpe,
    [property: Id(4)] double Cagr,
    [property: Id(5)] double MaxDrawdown,
    [property: Id(6)] double TerminalWealth)
{
    public bool Comparable => Days == PathDays;
}

/// <summary>Wealth quantiles over the first <see cref="Paths"/> paths at sampled days (0 = after the first simulated day).</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.FanView")]
public sealed record FanView(
    [property: Id(0)] int Paths,
    [property: Id(1)] int[] Days,
    [property: Id(2)] double[] P05,
    [property: Id(3)] double[] P25,
    [property: Id(4)] double[] P50,
    [property: Id(5)] double[] P75,
    [property: Id(6)] double[] P95);

[GenerateSerializer, Immutable, Alias("research.backtests.WindowRow")]
public sealed record WindowRow(
    [property: Id(0)] int Window,
    [property: Id(1)] DateOnly TestFrom,
    [property: Id(2)] DateOnly TestTo,
    [property: Id(3)] string Chosen,
    [property: Id(4)] double InSample,
    [property: Id(5)] double OutOfSample);

/// <summary>A strategy's record (its pinned backtest, else its latest), as the performance dashboard shows it.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.StrategyPerformance")]
public sealed record StrategyPerformance(
    [property: Id(0)] string JobId,
    [property: Id(1)] DateTimeOffset FinishedAt,
    [property: Id(2)] ResultView View,
    [property: Id(3)] PositionSnapshot Positions,
    [property: Id(4)] bool Pinned = false);

[GenerateSerializer, Immutable, Alias("research.backtests.BacktestOptions")]
public sealed record BacktestOptions([property: Id(0)] string[] Strategies, [property: Id(1)] ExecutionTiming[] Executions, [property: Id(2)] string[] Constructions,
    [property: Id(3)] string[]? AttributionModels = null);

/// <summary>
/// Bounded reads of stored results for the console (a stateless worker over the result store): the daily track with
/// equity, drawdown and monthly returns, trades a page at a time, last positions, Monte Carlo path metrics,
/// walk-forward windows. Opening a result is audited by the caller (the console), which knows who looked.
/// </summary>
[Alias("research.backtests.results")]
public interface IBacktestResultGrain : IGrainWithIntegerKey
{
    /// <summary>The strategies, executions and constructions a backtest form offers.</summary>
    [Alias("options")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<BacktestOptions> GetOptionsAsync();

    /// <summary>The strategy's record from the result index (its pinned backtest, else its latest), or null when it has none.</summary>
    [Alias("strategy")]
    [RequiresAction(ResearchActions.DashboardView)]
    Task<StrategyPerformance?> GetStrategyPerformanceAsync(string strategy, int topPositions);

    [Alias("view")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<ResultView> GetViewAsync(string jobId);

    /// <summary>
    /// A combined portfolio of finished runs (2 to 8): <paramref name="method"/> <c>equal</c>, <c>risk-parity</c> (equal
    /// risk contribution under the sample covariance of their daily returns) or <c>given</c> (<paramref name="weights"/>,
    /// one per run, scaled to sum to one), rebalanced every session over the sessions all runs have; its track and tear
    /// sheet against the market at the first run's data version.
    /// </summary>
    [Alias("combine")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<CombinationView> CombineAsync(string[] jobIds, string method, double[]? weights);

    /// <summary>The tear sheet of a backtest's or walk-forward's daily track, against the market at the run's data version.</summary>
    [Alias("tear-sheet")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<TearSheetView> GetTearSheetAsync(string jobId);

    /// <summary>
    /// The same tear sheet against another stored backtest or walk-forward chosen as the benchmark (for example a
    /// buy-and-hold run), which must cover every session of the run; the risk-free rate stays the market's.
    /// </summary>
    [Alias("tear-sheet-against")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<TearSheetView> GetTearSheetAgainstAsync(string jobId, string benchmarkJob);

    /// <summary>
    /// A backtest's or walk-forward's daily returns attributed to <paramref name="model"/> (capm, ff3, carhart4, ff5,
    /// ff5-momentum) with Newey-West errors at <paramref name="neweyWestLags"/>, up/down-market betas and timing tests,
    /// and loadings over a rolling window of <paramref name="rollingWindow"/> sessions (0: none). The factors are the
    /// run's pinned Fama-French version where it has one.
    /// </summary>
    [Alias("attribution")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<AttributionView> GetAttributionAsync(string jobId, string model, int neweyWestLags, int rollingWindow);

    [Alias("trades")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<TradePage> GetTradesAsync(string jobId, int skip, int take);

    /// <summary>A page of the trades of one security (<paramref name="permno"/>) and/or within a date range (inclusive).</summary>
    [Alias("trades-selected")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<TradePage> GetTradesSelectedAsync(string jobId, int skip, int take, int? permno, DateOnly? from, DateOnly? to);

    [Alias("positions")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<PositionSnapshot> GetPositionsAsync(string jobId, int top);

    [Alias("monte-carlo")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<MonteCarloView> GetMonteCarloAsync(string jobId);

    [Alias("windows")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<WindowRow[]> GetWindowsAsync(string jobId);
}

/// <summary>A combined portfolio of runs: weights, each run's share of the combined variance, the daily track and its tear sheet.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.Combination")]
public sealed record CombinationView(
    [property: Id(0)] string[] JobIds,
    [property: Id(1)] string Method,
    [property: Id(2)] double[] Weights,
    [property: Id(3)] double[] RiskShares,
    [property: Id(4)] DateOnly[] Dates,
    [property: Id(5)] double[] Returns,
    [property: Id(6)] double[] Wealth,
    [property: Id(7)] double[] Drawdown,
    [property: Id(8)] TearSheetView Sheet);
