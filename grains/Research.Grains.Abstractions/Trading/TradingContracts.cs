using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Trading;

public enum TicketSide
{
    Buy,
    Sell,
}

/// <summary>An order as a client sends it to an account's gateway; <see cref="ClientOrderId"/> makes a retry safe (the same id returns the first outcome).</summary>
[GenerateSerializer, Immutable, Alias("research.trading.OrderTicket")]
public sealed record OrderTicket(
    [property: Id(0)] string ClientOrderId,
    [property: Id(1)] string Symbol,
    [property: Id(2)] TicketSide Side,
    [property: Id(3)] long Quantity,
    [property: Id(4)] double? LimitPrice = null,
    [property: Id(5)] string? Strategy = null);

/// <summary>An order's state: open, partially filled, filled, cancelled or rejected (with the reason).</summary>
[GenerateSerializer, Immutable, Alias("research.trading.OrderView")]
public sealed record OrderView(
    [property: Id(0)] long Sequence,
    [property: Id(1)] OrderTicket Ticket,
    [property: Id(2)] string Status,
    [property: Id(3)] long Filled,
    [property: Id(4)] double AveragePrice,
    [property: Id(5)] double Costs,
    [property: Id(6)] string? Reason,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("research.trading.FillView")]
public sealed record FillView(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string ClientOrderId,
    [property: Id(2)] string Symbol,
    [property: Id(3)] TicketSide Side,
    [property: Id(4)] long Quantity,
    [property: Id(5)] double Price,
    [property: Id(6)] double Cost,
    [property: Id(7)] DateTimeOffset At,
    [property: Id(8)] string? Strategy);

[GenerateSerializer, Immutable, Alias("research.trading.PositionView")]
public sealed record PositionView([property: Id(0)] string Symbol, [property: Id(1)] long Quantity, [property: Id(2)] double AverageCost, [property: Id(3)] double LastPrice, [property: Id(4)] double Value);

/// <summary>An account's cash, equity, P&amp;L and positions (paper accounts start with the silo's configured cash).</summary>
[GenerateSerializer, Immutable, Alias("research.trading.AccountView")]
public sealed record TradingAccountView(
    [property: Id(0)] string Account,
    [property: Id(1)] double Cash,
    [property: Id(2)] double Equity,
    [property: Id(3)] double RealizedPnl,
    [property: Id(4)] double Costs,
    [property: Id(5)] double PeakEquity,
    [property: Id(6)] double DayStartEquity,
    [property: Id(7)] PositionView[] Positions,
    [property: Id(8)] int OpenOrders,
    [property: Id(9)] long Orders,
    [property: Id(10)] string Silo);

/// <summary>One symbol whose shares differ: the gateway's book against the broker (or the book against its own fills).</summary>
[GenerateSerializer, Immutable, Alias("research.trading.PositionBreakView")]
public sealed record PositionBreakView([property: Id(0)] string Symbol, [property: Id(1)] long Book, [property: Id(2)] long Other, [property: Id(3)] long Difference);

/// <summary>
/// A reconciliation of an account's positions: against its broker (<c>alpaca</c>) or, on the paper broker, against the
/// positions its fills add up to (<c>fills</c>). <see cref="Problem"/> says why it could not be done (an unreachable broker).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.trading.ReconciliationView")]
public sealed record ReconciliationView(
    [property: Id(0)] string Account,
    [property: Id(1)] string Against,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int Symbols,
    [property: Id(4)] PositionBreakView[] Breaks,
    [property: Id(5)] string? Problem)
{
    public bool Matched => Problem is null && Breaks.Length == 0;
}

/// <summary>
/// An account's execution gateway (key = account name): orders with client order ids (idempotent), fills, positions,
/// cash and P&amp;L on the paper broker or an external broker (Alpaca) configured for the account. Every order checks the breakers of its scopes (global, the account's, its
/// strategy's) first; a tripped one rejects it with the breaker's reason. After each order the account rules run and
/// may trip the account's breaker, which cancels the open orders.
/// </summary>
[Alias("research.trading.gateway")]
public interface IExecutionGatewayGrain : IGrainWithStringKey
{
    [Alias("submit")]
    [RequiresAction(ResearchActions.OrderSubmit)]
    Task<OrderView> SubmitAsync(OrderTicket ticket);

    [Alias("cancel")]
    [RequiresAction(ResearchActions.OrderCancel)]
    Task<OrderView> CancelAsync(string clientOrderId, string reason);

    /// <summary>Fills what open orders can on newer quotes (a partly filled order waits for one); returns the orders that changed.</summary>
    [Alias("work")]
    [RequiresAction(ResearchActions.OrderSubmit)]
    Task<OrderView[]> WorkAsync();

    [Alias("orders")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<OrderView[]> OrdersAsync(bool openOnly, int limit);

    /// <summary>What <paramref name="control"/> would do now: the orders it cancels and sends, at the last prices; nothing changes.</summary>
    [Alias("control-preview")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<ControlOutcome> PreviewControlAsync(ManualControl control);

    /// <summary>
    /// Applies a manual control: a reason and a current authenticator code of the caller (checked here). Closing and
    /// flattening only reduce positions and go through a tripped breaker (the risk exit an operator needs at 3 a.m.); an
    /// adjustment that grows a position meets the breakers like any order.
    /// </summary>
    [Alias("control")]
    [RequiresAction(ResearchActions.OrderControl)]
    Task<ControlOutcome> ApplyControlAsync(ManualControl control, string reason, string code);

    /// <summary>Fills with a sequence above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>: a follower's position in the stream.</summary>
    [Alias("fills")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<FillView[]> FillsAsync(long after, int limit);

    [Alias("account")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<TradingAccountView> AccountAsync();

    /// <summary>Compares the book's positions with the broker's (paper: with the fills'); changes nothing.</summary>
    [Alias("reconcile")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<ReconciliationView> ReconcileAsync();

    /// <summary>A breaker covering this account tripped: cancel the open orders it covers (all, or a strategy's).</summary>
    [Alias("breaker-tripped")]
    [OneWay]
    [PlatformInternal("sent by a circuit-breaker grain when it trips; cancelling open orders is the safe direction")]
    Task OnBreakerTrippedAsync(string scope, string reason);
}

/// <summary>A manual control's kind.</summary>
public enum ControlKind
{
    /// <summary>Cancel the open orders for one symbol.</summary>
    CancelSymbol,

    /// <summary>Cancel the symbol's open orders and trade its position to zero.</summary>
    Close,

    /// <summary>Cancel every open order and trade every position to zero.</summary>
    Flatten,

    /// <summary>Cancel the symbol's open orders and trade its position to a target number of shares.</summary>
    Adjust,
}

/// <summary>An operator's manual control of an account: the kind, the symbol (all but flatten) and the target (adjust).</summary>
[GenerateSerializer, Immutable, Alias("research.trading.ManualControl")]
public sealed record ManualControl([property: Id(0)] ControlKind Kind, [property: Id(1)] string? Symbol = null, [property: Id(2)] long? TargetQuantity = null);

/// <summary>
/// One effect of a control: an open order cancelled, or an order sent (side, shares, the last price and the value at
/// it); after the control, its status and reason. <see cref="ThroughBreaker"/>: a risk-reducing order sent while a
/// breaker over the account is tripped (named).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.trading.ControlEffect")]
public sealed record ControlEffect(
    [property: Id(0)] string Action,
    [property: Id(1)] string Symbol,
    [property: Id(2)] TicketSide? Side,
    [property: Id(3)] long Quantity,
    [property: Id(4)] double Price,
    [property: Id(5)] double Value,
    [property: Id(6)] string ClientOrderId,
    [property: Id(7)] string? Status,
    [property: Id(8)] string? Reason,
    [property: Id(9)] string? ThroughBreaker);

/// <summary>What a control does (a preview) or did (applied): its effects and a one-line summary.</summary>
[GenerateSerializer, Immutable, Alias("research.trading.ControlOutcome")]
public sealed record ControlOutcome([property: Id(0)] string Account, [property: Id(1)] ManualControl Control, [property: Id(2)] bool Applied, [property: Id(3)] ControlEffect[] Effects, [property: Id(4)] string Summary);

/// <summary>A breaker's state; <see cref="ResetAllowedFrom"/> is when the next reset may happen (one per minute).</summary>
[GenerateSerializer, Immutable, Alias("research.trading.BreakerView")]
public sealed record BreakerView(
    [property: Id(0)] string Scope,
    [property: Id(1)] bool Tripped,
    [property: Id(2)] DateTimeOffset? TrippedAt,
    [property: Id(3)] string? TrippedBy,
    [property: Id(4)] string? Source,
    [property: Id(5)] string? Reason,
    [property: Id(6)] DateTimeOffset? LastReset,
    [property: Id(7)] DateTimeOffset? ResetAllowedFrom);

[GenerateSerializer, Immutable, Alias("research.trading.BreakerEventView")]
public sealed record BreakerEventView([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Action, [property: Id(2)] string By, [property: Id(3)] string Source, [property: Id(4)] string Reason);

/// <summary>
/// A circuit breaker (key = scope: <c>global</c>, <c>strategy:NAME</c>, <c>account:NAME</c>). Tripped by hand with a
/// reason or by an account rule; a trip cancels the open orders it covers. Reset only by operators with a current
/// authenticator code (checked here, not only by the console) and a reason, at most once a minute. Every change and
/// every refused reset is in its history.
/// </summary>
[Alias("research.trading.breaker")]
public interface ICircuitBreakerGrain : IGrainWithStringKey
{
    [Alias("get")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<BreakerView> GetAsync();

    [Alias("history")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<BreakerEventView[]> HistoryAsync(int limit);

    [Alias("trip")]
    [RequiresAction(ResearchActions.BreakerTrip)]
    Task<BreakerView> TripAsync(string reason);

    [Alias("reset")]
    [RequiresAction(ResearchActions.BreakerReset)]
    Task<BreakerView> ResetAsync(string reason, string code);

    /// <summary>An account rule fired (called by the account's gateway, which has cancelled its own open orders).</summary>
    [Alias("trip-by-rule")]
    [RequiresAction(ResearchActions.BreakerTrip)]
    Task<BreakerView> TripByRuleAsync(string rule, string reason);
}

/// <summary>The accounts that have a gateway (a global or strategy trip reaches each of them).</summary>
[Alias("research.trading.directory")]
public interface ITradingDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("list")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<string[]> AccountsAsync();

    [Alias("register")]
    [PlatformInternal("a gateway announcing its account on first use")]
    Task RegisterAsync(string account);
}
