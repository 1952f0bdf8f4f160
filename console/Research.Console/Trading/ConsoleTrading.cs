using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;

namespace Research.Console.Trading;

/// <summary>One account as the trading page shows it: the account view, and every open order with the latest 20, newest first.</summary>
public sealed record AccountPanel(TradingAccountView Account, OrderView[] Orders);

/// <summary>
/// The trading page's actions through <see cref="ConsoleActions"/>: reading accounts, orders, strategies and breakers (not
/// audited; the page's refresh is not the user's activity), tripping (audited, with the reason), resetting (audited,
/// the code passed to the breaker grain, which checks it itself), cancelling an order, and starting, pausing, stopping or
/// rebalancing a strategy (audited).
/// </summary>
public sealed class ConsoleTrading(IClusterClient cluster, ConsoleActions actions)
{
    public async Task<(BreakerView[] Breakers, StrategyView[] Strategies, AccountPanel[] Accounts)> LoadAsync(ClaimsPrincipal user, bool refresh) =>
        await actions.RunAsync(user, ResearchActions.TradingView, "trading", async () =>
        {
            var accounts = await cluster.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync().ConfigureAwait(false);
            var panels = new List<AccountPanel>();
            foreach (var account in accounts)
            {
                var gateway = cluster.GetGrain<IExecutionGatewayGrain>(account);
                var (open, latest) = (await gateway.OrdersAsync(true, 200).ConfigureAwait(false), await gateway.OrdersAsync(false, 20).ConfigureAwait(false));
                panels.Add(new AccountPanel(await gateway.AccountAsync().ConfigureAwait(false), [.. open.Concat(latest).DistinctBy(o => o.Sequence).OrderByDescending(o => o.Sequence)]));
            }

            var defined = new List<StrategyView>();
            foreach (var listing in await cluster.GetGrain<IStrategyDirectoryGrain>(0).ListAsync().ConfigureAwait(false))
            {
                defined.Add(await cluster.GetGrain<IStrategyGrain>(listing.Name).GetAsync().ConfigureAwait(false));
            }

            var strategies = panels.SelectMany(p => p.Orders).Select(o => o.Ticket.Strategy).OfType<string>().Concat(defined.Select(d => d.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var breakers = new List<BreakerView>();
            foreach (var scope in accounts.Select(a => "account:" + a).Concat(strategies.Select(s => "strategy:" + s)).Prepend("global"))
            {
                breakers.Add(await cluster.GetGrain<ICircuitBreakerGrain>(scope).GetAsync().ConfigureAwait(false));
            }

            return (breakers.ToArray(), defined.ToArray(), panels.ToArray());
        }, new ActionOptions(Audit: false, Touch: !refresh)).ConfigureAwait(false);

    public Task<BreakerEventView[]> HistoryAsync(ClaimsPrincipal user, string scope) =>
        actions.RunAsync(user, ResearchActions.TradingView, scope, () => cluster.GetGrain<ICircuitBreakerGrain>(scope).HistoryAsync(50), new ActionOptions(Audit: false));

    public Task<BreakerView> TripAsync(ClaimsPrincipal user, string scope, string reason) =>
        actions.RunAsync(user, ResearchActions.BreakerTrip, scope, () => cluster.GetGrain<ICircuitBreakerGrain>(scope).TripAsync(reason), new ActionOptions(Reason: reason));

    public Task<BreakerView> ResetAsync(ClaimsPrincipal user, string scope, string reason, string? code) =>
        actions.RunAsync(user, ResearchActions.BreakerReset, scope, () => cluster.GetGrain<ICircuitBreakerGrain>(scope).ResetAsync(reason, code ?? string.Empty),
            new ActionOptions(StepUpCode: code, Reason: reason, GrainChecksStepUp: true));

    /// <summary>Starts, pauses or stops a strategy (audited, with the reason).</summary>
    public Task<StrategyView> SetStrategyAsync(ClaimsPrincipal user, string name, string verb, string reason) =>
        actions.RunAsync(user, ResearchActions.StrategyControl, $"{name}/{verb}", () =>
        {
            var grain = cluster.GetGrain<IStrategyGrain>(name);
            return verb switch
            {
                "start" => grain.StartAsync(reason),
                "pause" => grain.PauseAsync(reason),
                "stop" => grain.StopAsync(reason),
                _ => throw new ArgumentException($"'{verb}' is not start, pause or stop."),
            };
        }, new ActionOptions(Reason: reason));

    /// <summary>Rebalances a running strategy now (audited).</summary>
    public Task<StrategyRunView> RebalanceAsync(ClaimsPrincipal user, string name) =>
        actions.RunAsync(user, ResearchActions.StrategyControl, $"{name}/rebalance", () => cluster.GetGrain<IStrategyGrain>(name).RebalanceAsync());

    /// <summary>What a manual control would do (not audited: nothing changes).</summary>
    public Task<ControlOutcome> PreviewControlAsync(ClaimsPrincipal user, string account, ManualControl control) =>
        actions.RunAsync(user, ResearchActions.TradingView, account, () => cluster.GetGrain<IExecutionGatewayGrain>(account).PreviewControlAsync(control), new ActionOptions(Audit: false));

    /// <summary>Applies a manual control (audited with the reason; the gateway checks the code itself).</summary>
    public Task<ControlOutcome> ApplyControlAsync(ClaimsPrincipal user, string account, ManualControl control, string reason, string? code) =>
        actions.RunAsync(user, ResearchActions.OrderControl, $"{account}/{WireNames.Of(control.Kind)}{(control.Symbol is { } s ? "/" + s : string.Empty)}",
            () => cluster.GetGrain<IExecutionGatewayGrain>(account).ApplyControlAsync(control, reason, code ?? string.Empty),
            new ActionOptions(StepUpCode: code, Reason: reason, GrainChecksStepUp: true));

    public Task<OrderView> CancelAsync(ClaimsPrincipal user, string account, string clientOrderId, string reason) =>
        actions.RunAsync(user, ResearchActions.OrderCancel, $"{account}/{clientOrderId}", () => cluster.GetGrain<IExecutionGatewayGrain>(account).CancelAsync(clientOrderId, reason), new ActionOptions(Reason: reason));
}
