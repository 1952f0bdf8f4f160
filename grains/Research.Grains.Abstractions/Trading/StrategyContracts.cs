using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Trading;

/// <summary>
/// A live strategy: the backtest's strategy (<c>Strategy</c> is a backtest strategy name: a factor, buy-and-hold, or
/// <c>alpha</c> with a registry <c>Model</c>), built the backtest's way (<c>Construction</c>, <c>Quantile</c>), trading
/// <c>Allocation</c> of its account's equity on that account's gateway. One strategy per account (positions are the
/// account's).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.trading.StrategyConfig")]
public sealed record StrategyConfig(
    [property: Id(0)] string Account,
    [property: Id(1)] string Strategy,
    [property: Id(2)] string? Model = null,
    [property: Id(3)] string Construction = "quantile",
    [property: Id(4)] double Quantile = 0.2,
    [property: Id(5)] double Allocation = 1.0);

/// <summary>One order of a rebalance: the target it moves to, the shares, and what the gateway answered.</summary>
[GenerateSerializer, Immutable, Alias("research.trading.StrategyOrderView")]
public sealed record StrategyOrderView(
    [property: Id(0)] string Symbol,
    [property: Id(1)] TicketSide Side,
    [property: Id(2)] long Quantity,
    [property: Id(3)] double TargetWeight,
    [property: Id(4)] long TargetShares,
    [property: Id(5)] long HeldShares,
    [property: Id(6)] double Price,
    [property: Id(7)] string ClientOrderId,
    [property: Id(8)] string? Status,
    [property: Id(9)] string? Reason);

/// <summary>
/// A rebalance (or a preview of one): the decision session, what triggered it, the capital it sized with, its orders,
/// and a note when it sent nothing (paused by a breaker, not a rebalance day, nothing to trade).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.trading.StrategyRunView")]
public sealed record StrategyRunView(
    [property: Id(0)] long Run,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] DateOnly Session,
    [property: Id(3)] string Trigger,
    [property: Id(4)] double Capital,
    [property: Id(5)] StrategyOrderView[] Orders,
    [property: Id(6)] string? Note,
    [property: Id(7)] string[] DataVersions);

/// <summary>A strategy's state: stopped, running or paused (by whom and why), its last rebalanced session and run.</summary>
[GenerateSerializer, Immutable, Alias("research.trading.StrategyView")]
public sealed record StrategyView(
    [property: Id(0)] string Name,
    [property: Id(1)] StrategyConfig? Config,
    [property: Id(2)] string Status,
    [property: Id(3)] string? StatusBy,
    [property: Id(4)] string? StatusReason,
    [property: Id(5)] DateTimeOffset? StatusAt,
    [property: Id(6)] DateOnly? LastSession,
    [property: Id(7)] StrategyRunView? LastRun,
    [property: Id(8)] long Runs);

[GenerateSerializer, Immutable, Alias("research.trading.StrategyEventView")]
public sealed record StrategyEventView([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Action, [property: Id(2)] string By, [property: Id(3)] string Reason);

/// <summary>
/// A live strategy (key = its name). Running, it checks on a reminder whether the warehouse has a new session its
/// schedule rebalances on (the backtest's rule: month ends for factor strategies, once for buy-and-hold) and trades to
/// the targets the backtest code computes; <see cref="RebalanceAsync"/> trades to today's targets now. Orders carry
/// client order ids derived from the strategy, the session and the run, so a rebalance interrupted by a dead silo is
/// resent without a second order. A trip of any breaker over it (global, its account's, its own) pauses it; it stays
/// paused after the reset until an operator starts it again (a risk exit is not undone by the next signal).
/// </summary>
[Alias("research.trading.strategy")]
public interface IStrategyGrain : IGrainWithStringKey
{
    /// <summary>Defines or redefines the strategy (only while stopped).</summary>
    [Alias("define")]
    [RequiresAction(ResearchActions.StrategyControl)]
    Task<StrategyView> DefineAsync(StrategyConfig config);

    [Alias("start")]
    [RequiresAction(ResearchActions.StrategyControl)]
    Task<StrategyView> StartAsync(string reason);

    [Alias("pause")]
    [RequiresAction(ResearchActions.StrategyControl)]
    Task<StrategyView> PauseAsync(string reason);

    [Alias("stop")]
    [RequiresAction(ResearchActions.StrategyControl)]
    Task<StrategyView> StopAsync(string reason);

    /// <summary>Trades to the targets at the latest session now (running only; refused while a breaker over it is tripped).</summary>
    [Alias("rebalance")]
    [RequiresAction(ResearchActions.StrategyControl)]
    Task<StrategyRunView> RebalanceAsync();

    /// <summary>The orders a rebalance at the latest session would send; nothing is sent.</summary>
    [Alias("preview")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<StrategyRunView> PreviewAsync();

    [Alias("get")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<StrategyView> GetAsync();

    [Alias("runs")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<StrategyRunView[]> RunsAsync(int limit);

    [Alias("history")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<StrategyEventView[]> HistoryAsync(int limit);

    /// <summary>A breaker over this strategy tripped: pause (a one-way call from the breaker).</summary>
    [Alias("breaker-tripped")]
    [OneWay]
    [PlatformInternal("sent by a circuit-breaker grain when it trips; pausing is the safe direction")]
    Task OnBreakerTrippedAsync(string scope, string reason);
}

[GenerateSerializer, Immutable, Alias("research.trading.StrategyListing")]
public sealed record StrategyListing([property: Id(0)] string Name, [property: Id(1)] string Account);

/// <summary>The defined strategies and their accounts (a breaker's trip reaches the strategies it covers).</summary>
[Alias("research.trading.strategies")]
public interface IStrategyDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("list")]
    [RequiresAction(ResearchActions.TradingView)]
    Task<StrategyListing[]> ListAsync();

    /// <summary>Records the strategy's account; refuses an account another strategy trades.</summary>
    [Alias("register")]
    [PlatformInternal("a strategy grain announcing its account when defined")]
    Task RegisterAsync(string name, string account);
}
