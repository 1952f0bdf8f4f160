using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.ExecutionQuality;

/// <summary>Execution quality: implementation shortfall per order and in total, split into explicit, delay, trading and opportunity costs (the same code as <c>research execution analyze</c>). Key: 0.</summary>
[Alias("research.execution.quality")]
public interface IExecutionQualityGrain : IGrainWithIntegerKey
{
    /// <summary>Analyses pasted orders and fills (<see cref="ExecutionQualityRequest.Source"/> <c>pasted</c>) or a paper account's (<c>account</c>); bad input is refused by table, line and column.</summary>
    [Alias("analyze")]
    [RequiresAction(ResearchActions.ExecutionAnalyze)]
    Task<ExecutionQualityView> AnalyzeAsync(ExecutionQualityRequest request);
}

/// <summary>
/// What to analyse: <c>pasted</c> tables (orders <c>order,symbol,side,quantity,decision_price[,cancel_price]</c>, fills
/// <c>order,date,quantity,price[,time][,fees][,benchmark]</c>) or an <c>account</c>'s orders and fills from its execution
/// gateway (decision price: the CRSP close of the last session on or before the order's day), or a stored
/// <c>backtest</c>'s trades (<see cref="Job"/>: decided at the close before the trade, filled at the modelled execution).
/// <see cref="Intraday"/>: also compare each filled order (pasted or an account's) with the market over its trading
/// interval from TAQ tier 1's one-minute bars (the interval: its start and end columns, else its first and last fill).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.execution.Request")]
public sealed record ExecutionQualityRequest([property: Id(0)] string Source, [property: Id(1)] string? OrdersText, [property: Id(2)] string? FillsText, [property: Id(3)] string? Account, [property: Id(4)] string? Job = null, [property: Id(5)] bool Intraday = false);

/// <summary>
/// One order's costs in basis points of its paper investment (quantity × decision price) and in dollars; with intraday
/// benchmarks, its slippage against the arrival midquote, the interval's VWAP and TWAP (bps, positive = worse) and its
/// participation over <see cref="Interval"/> (null where not asked for or not defined).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.execution.Order")]
public sealed record OrderCostView(
    [property: Id(0)] string Order, [property: Id(1)] string Symbol, [property: Id(2)] string Side, [property: Id(3)] double Quantity, [property: Id(4)] double Filled,
    [property: Id(5)] double AveragePrice, [property: Id(6)] double DecisionPrice, [property: Id(7)] double PaperInvestment, [property: Id(8)] double ExplicitBps,
    [property: Id(9)] double DelayBps, [property: Id(10)] double TradingBps, [property: Id(11)] double OpportunityBps, [property: Id(12)] double TotalBps, [property: Id(13)] double TotalDollars,
    [property: Id(14)] string? Interval = null, [property: Id(15)] double? ArrivalBps = null, [property: Id(16)] double? VwapBps = null, [property: Id(17)] double? TwapBps = null,
    [property: Id(18)] double? Participation = null);

/// <summary>One month of a backtest's trades: each part in basis points of the month's paper investment.</summary>
[GenerateSerializer, Immutable, Alias("research.execution.Period")]
public sealed record PeriodCostView([property: Id(0)] DateOnly Month, [property: Id(1)] int Trades, [property: Id(2)] double PaperInvestment, [property: Id(3)] double ExplicitBps,
    [property: Id(4)] double DelayBps, [property: Id(5)] double TradingBps, [property: Id(6)] double TotalBps);

/// <summary>
/// Every order (a backtest: its <see cref="Count"/> trades in the totals, the largest by |shortfall| in <see cref="Orders"/>,
/// each month in <see cref="Periods"/>) and the value-weighted total (fractions of the summed paper investment);
/// <see cref="Basis"/> says where decision prices came from.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.execution.View")]
public sealed record ExecutionQualityView(
    [property: Id(0)] OrderCostView[] Orders, [property: Id(1)] double PaperInvestment, [property: Id(2)] double ExplicitBps, [property: Id(3)] double DelayBps,
    [property: Id(4)] double TradingBps, [property: Id(5)] double OpportunityBps, [property: Id(6)] double TotalBps, [property: Id(7)] double TotalDollars, [property: Id(8)] string Basis,
    [property: Id(9)] int Count = 0, [property: Id(10)] PeriodCostView[]? Periods = null);
