using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Risk;

/// <summary>
/// Which portfolio to analyse and how. <see cref="Source"/>: <c>upload</c> (<see cref="PortfolioText"/> as CSV
/// <c>asset,weight</c> with a header, or JSON), <c>backtest</c> (the positions of job <see cref="JobId"/> at the close of
/// the last date on or before <see cref="Date"/>) or <c>account</c> (a gateway account's current positions, weight =
/// value / equity). <see cref="Benchmark"/>: <c>none</c>, <c>market</c> (cap-weighted over the model's stocks) or
/// <c>upload</c> (<see cref="BenchmarkText"/>). <see cref="Budgets"/>: lines <c>factor=limit</c> (a factor, a prefix
/// <c>ind_*</c> or <c>*</c>); null for the defaults. <see cref="Shocks"/>: lines <c>factor=move</c>; null for a 10% market fall.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.risk.Request")]
public sealed record RiskRequest(
    [property: Id(0)] string Source,
    [property: Id(1)] string? PortfolioText = null,
    [property: Id(2)] string? JobId = null,
    [property: Id(3)] string? Account = null,
    [property: Id(4)] DateOnly? Date = null,
    [property: Id(5)] string Benchmark = "market",
    [property: Id(6)] string? BenchmarkText = null,
    [property: Id(7)] string? Budgets = null,
    [property: Id(8)] string? Shocks = null,
    [property: Id(9)] int MonteCarloPaths = 100_000,
    [property: Id(10)] int DegreesOfFreedom = 5);

/// <summary>A factor's exposure (portfolio, benchmark, active) and its Euler contribution to the daily volatility.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Factor")]
public sealed record RiskFactorRow(
    [property: Id(0)] string Factor,
    [property: Id(1)] bool Industry,
    [property: Id(2)] double Portfolio,
    [property: Id(3)] double Benchmark,
    [property: Id(4)] double Active,
    [property: Id(5)] double Contribution);

/// <summary>A position: the name given, its PERMNO and ticker, weight, marginal ∂σ/∂w and Euler contribution (daily).</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Position")]
public sealed record RiskPositionRow(
    [property: Id(0)] string Asset,
    [property: Id(1)] int Permno,
    [property: Id(2)] string? Ticker,
    [property: Id(3)] double Weight,
    [property: Id(4)] double Marginal,
    [property: Id(5)] double Contribution);

/// <summary>One-day VaR and ES (positive fractions of capital) by method: <c>parametric</c>, <c>historical-systematic</c>, <c>monte-carlo</c>.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Measure")]
public sealed record RiskMeasureRow([property: Id(0)] string Method, [property: Id(1)] double Confidence, [property: Id(2)] double ValueAtRisk, [property: Id(3)] double ExpectedShortfall);

/// <summary>A stress scenario: P&amp;L (fraction of capital) and its split by factor, or why it could not run.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Scenario")]
public sealed record RiskScenarioRow(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] double? Total,
    [property: Id(3)] int Sessions,
    [property: Id(4)] Dictionary<string, double> ByFactor,
    [property: Id(5)] string? Unavailable);

/// <summary>A factor's budget: |active| / limit; breached above 1.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Budget")]
public sealed record RiskBudgetRow(
    [property: Id(0)] string Factor,
    [property: Id(1)] bool Industry,
    [property: Id(2)] double Active,
    [property: Id(3)] double Limit,
    [property: Id(4)] string Pattern,
    [property: Id(5)] double Utilisation,
    [property: Id(6)] bool Breached);

/// <summary>
/// The risk dashboard of one portfolio on one forecast date (all volatilities daily decimals; annualise with √252):
/// what <c>research risk report</c> prints plus exposures against the benchmark, VaR and ES by three methods at 95 and
/// 99%, stress scenarios and budgets. <see cref="Conventions"/> states how each number is made.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.risk.View")]
public sealed record RiskView(
    [property: Id(0)] string Portfolio,
    [property: Id(1)] DateOnly ForecastDate,
    [property: Id(2)] string FitId,
    [property: Id(3)] DateOnly? PositionsDate,
    [property: Id(4)] string BenchmarkName,
    [property: Id(5)] double Volatility,
    [property: Id(6)] double FactorVolatility,
    [property: Id(7)] double SpecificVolatility,
    [property: Id(8)] double SpecificContribution,
    [property: Id(9)] double? TrackingError,
    [property: Id(10)] RiskFactorRow[] Factors,
    [property: Id(11)] RiskPositionRow[] Positions,
    [property: Id(12)] RiskMeasureRow[] Measures,
    [property: Id(13)] RiskScenarioRow[] Scenarios,
    [property: Id(14)] RiskBudgetRow[] Budgets,
    [property: Id(15)] string[] Conventions,
    [property: Id(16)] string? AlertNote);

/// <summary>What the dashboard can analyse: the stored model's span, factors, default budgets, and the runs with positions.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Setup")]
public sealed record RiskSetup(
    [property: Id(0)] DateOnly? First,
    [property: Id(1)] DateOnly? Last,
    [property: Id(2)] string[] Factors,
    [property: Id(3)] string DefaultBudgets,
    [property: Id(4)] string DefaultShocks,
    [property: Id(5)] string? Missing);

/// <summary>The risk dashboard on the silo (key 0). Reads the stored risk model (<c>research risk fit</c>); never writes.</summary>
[Alias("research.risk.dashboard")]
public interface IRiskDashboardGrain : IGrainWithIntegerKey
{
    /// <summary>Positions shown at most (the risk is computed over all of them).</summary>
    const int MaxPositionRows = 500;

    /// <summary>The stored model's span and factors, or why there is none.</summary>
    [Alias("setup")]
    [RequiresAction(ResearchActions.RiskView)]
    Task<RiskSetup> SetupAsync();

    /// <summary>Analyses a portfolio; bad input is refused with an <see cref="ArgumentException"/> naming what and where.</summary>
    [Alias("analyze")]
    [RequiresAction(ResearchActions.RiskView)]
    Task<RiskView> AnalyzeAsync(RiskRequest request);

    /// <summary>The book's exposures on every stored snapshot (a backtest's over its run), for the heatmap; the request's date is not used.</summary>
    [Alias("exposure-history")]
    [RequiresAction(ResearchActions.RiskView)]
    Task<ExposureHistoryView> ExposureHistoryAsync(RiskRequest request);

    /// <summary>The stocks behind <paramref name="factor"/>'s exposure on the snapshot of <paramref name="date"/> (the latest on or before it).</summary>
    [Alias("exposure-drill")]
    [RequiresAction(ResearchActions.RiskView)]
    Task<ExposureDrillView> DrillAsync(RiskRequest request, string factor, DateOnly date);
}

/// <summary>
/// A book's exposures on each stored exposure snapshot (the risk model's month ends): rows in <see cref="Dates"/> order,
/// columns in <see cref="Factors"/> order. <see cref="Held"/>: the close the positions are from (a backtest's last
/// rebalance on or before the snapshot; the snapshot itself for a fixed book). <see cref="Uncovered"/>: Σ|w| of positions
/// without exposures on that date.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.risk.ExposureHistory")]
public sealed record ExposureHistoryView(
    [property: Id(0)] string Label,
    [property: Id(1)] string[] Factors,
    [property: Id(2)] DateOnly[] Dates,
    [property: Id(3)] DateOnly[] Held,
    [property: Id(4)] double[][] Portfolio,
    [property: Id(5)] double[][] Benchmark,
    [property: Id(6)] double[] Uncovered,
    [property: Id(7)] int[] Positions,
    [property: Id(8)] string BenchmarkName);

/// <summary>A stock behind an exposure: weights, loading and the exposure it contributes (w·B), for the book, the benchmark and the difference.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.DrillRow")]
public sealed record ExposureDrillRowView(
    [property: Id(0)] int Permno,
    [property: Id(1)] string Label,
    [property: Id(2)] double Weight,
    [property: Id(3)] double BenchmarkWeight,
    [property: Id(4)] double Loading,
    [property: Id(5)] double Contribution,
    [property: Id(6)] double BenchmarkContribution,
    [property: Id(7)] double Active);

/// <summary>The stocks behind one factor's exposure on one snapshot date (the largest |active| first, at most <see cref="IRiskDashboardGrain.MaxPositionRows"/>) and the totals over all of them.</summary>
[GenerateSerializer, Immutable, Alias("research.risk.Drill")]
public sealed record ExposureDrillView(
    [property: Id(0)] string Label,
    [property: Id(1)] string Factor,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] double Portfolio,
    [property: Id(4)] double Benchmark,
    [property: Id(5)] double Active,
    [property: Id(6)] ExposureDrillRowView[] Rows,
    [property: Id(7)] int Stocks);
