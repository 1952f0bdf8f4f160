namespace Research.Grains.Abstractions.Backtests;

/// <summary>
/// A stored backtest's or walk-forward's tear sheet as its result page draws it (computed in the silo from the stored
/// daily track and the market at the run's data version): labelled lines, calendar years, the worst drawdowns, rolling
/// figures (from the first full window on), the market's wealth for the equity chart (for the last
/// <c>BenchmarkWealth.Length</c> days, starting at the strategy's wealth there, when the market starts after the run),
/// and the conventions used. <see cref="BenchmarkMissing"/> says why there is no benchmark, or why it covers part of the run.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.backtests.TearSheetView")]
public sealed record TearSheetView(
    [property: Id(0)] ResultMetric[] Lines,
    [property: Id(1)] AnnualRow[] Years,
    [property: Id(2)] DrawdownRow[] Drawdowns,
    [property: Id(3)] int RollingWindow,
    [property: Id(4)] DateOnly[] RollingDates,
    [property: Id(5)] double[] RollingSharpe,
    [property: Id(6)] double[] RollingVolatility,
    [property: Id(7)] double[]? RollingBeta,
    [property: Id(8)] double[]? BenchmarkWealth,
    [property: Id(9)] string? BenchmarkName,
    [property: Id(10)] string? BenchmarkMissing,
    [property: Id(11)] string[] Conventions);
