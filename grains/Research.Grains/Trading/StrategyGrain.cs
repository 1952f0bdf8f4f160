using System.Globalization;
using Microsoft.Extensions.Logging;
using Research.Backtesting.Jobs;
using Research.Backtesting.Strategies;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Trading.Breakers;
using Research.Trading.Orders;
using Research.Trading.Strategies;

namespace Research.Grains.Trading;

/// <summary>A strategy's persisted state: its definition, status, the run being sent (if a silo died during it), the last runs and its history.</summary>
public sealed class StrategyState
{
    public StrategyConfig? Config { get; set; }

    public string Status { get; set; } = StrategyStatus.Stopped;

    public string? StatusBy { get; set; }

    public string? StatusReason { get; set; }

    public DateTimeOffset? StatusAt { get; set; }

    public DateOnly? LastSession { get; set; }

    /// <summary>The latest session a scheduled check decided on (a check per new session, not per tick).</summary>
    public DateOnly? LastChecked { get; set; }

    public long Runs { get; set; }

    /// <summary>A run whose orders were being sent; sent again (same client order ids) before anything else.</summary>
    public StrategyRunView? Pending { get; set; }

    public List<StrategyRunView> RunLog { get; set; } = [];

    public List<StrategyEventView> History { get; set; } = [];
}

public static class StrategyStatus
{
    public const string Stopped = "stopped";
    public const string Running = "running";
    public const string Paused = "paused";
}

/// <summary>
/// A live strategy. Decisions come from <see cref="StrategyTargets"/> (the backtest's strategy code on the warehouse's
/// current versions), sizes from <see cref="RebalancePlan"/> on the account's equity, orders go through the account's
/// <see cref="IExecutionGatewayGrain"/> (which checks every breaker again). The run is persisted with its client order
/// ids before the first order, so a run cut short by a dead silo is finished by resending the same orders, which the
/// gateway answers with the first outcome.
/// </summary>
public sealed partial class StrategyGrain(
    [PersistentState("strategy", GrainStorageNames.Research)] IPersistentState<StrategyState> state,
    WarehouseLayout layout,
    TimeProvider clock,
    TradingOptions options,
    ILogger<StrategyGrain> logger) : Grain, IStrategyGrain, IRemindable
{
    /// <summary>The reminder of a running strategy: each tick checks for a new session its schedule rebalances on.</summary>
    public const string ReminderName = "rebalance";

    private const int Kept = 100;

    private string Name => this.GetPrimaryKeyString();

    private StrategyState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (NameProblem(Name) is { } problem)
        {
            throw new ArgumentException($"strategy name {problem}.");
        }

        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>What is wrong with a strategy name (a breaker scope name of at most 24 characters: it is part of every client order id), or null.</summary>
    public static string? NameProblem(string name) =>
        BreakerScope.NameProblem(name) is not null || name.Length > 24 ? $"'{name}' must be 1 to 24 lower-case letters, digits, '_', '-' or '.'" : null;

    public async Task<StrategyView> DefineAsync(StrategyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (S.Status != StrategyStatus.Stopped)
        {
            throw new InvalidOperationException($"strategy {Name} is {S.Status}; stop it before changing its definition.");
        }

        Request(config).Validate();
        if (BreakerScope.NameProblem(config.Account) is { } account)
        {
            throw new ArgumentException($"account name {account}.");
        }

        if (!(config.Allocation is > 0 and <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"allocation: {config.Allocation} must be above 0 and at most 1 (the share of the account's equity the strategy trades)."));
        }

        if (config.Strategy != "buy-and-hold" && !options.Broker.AllowShort)
        {
            throw new ArgumentException($"strategy: {config.Strategy} sells short (a long/short book) and this platform's paper broker does not allow short selling; set Research:Trading:AllowShort=true or use buy-and-hold.");
        }

        await GrainFactory.GetGrain<IStrategyDirectoryGrain>(0).RegisterAsync(Name, config.Account).ConfigureAwait(true);
        S.Config = config;
        Event("define", Describe(config));
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        LogEvent(logger, Name, "defined", By(), Describe(config));
        return View();
    }

    public async Task<StrategyView> StartAsync(string reason)
    {
        var why = Reason(reason);
        var config = S.Config ?? throw new InvalidOperationException($"strategy {Name} is not defined; define it first (research strategy define).");
        if (S.Status == StrategyStatus.Running)
        {
            return View();
        }

        if (await BlockedAsync(config).ConfigureAwait(true) is { } blocked)
        {
            throw new InvalidOperationException($"strategy {Name} cannot start: {blocked}. Reset the breaker first.");
        }

        if (S.Pending is { } pending)
        {
            Finish(pending with { Note = "abandoned: the strategy was paused or stopped before its orders were all sent" });
        }

        await this.RegisterOrUpdateReminder(ReminderName, options.StrategyCheck, options.StrategyCheck).ConfigureAwait(true);
        SetStatus(StrategyStatus.Running, By(), why);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        return View();
    }

    public Task<StrategyView> PauseAsync(string reason) => HaltAsync(StrategyStatus.Paused, By(), Reason(reason));

    public Task<StrategyView> StopAsync(string reason) => HaltAsync(StrategyStatus.Stopped, By(), Reason(reason));

    public async Task<StrategyRunView> RebalanceAsync()
    {
        if (S.Status != StrategyStatus.Running)
        {
            throw new InvalidOperationException($"strategy {Name} is {S.Status}{(S.StatusReason is { } r ? $" ({r})" : string.Empty)}; start it to rebalance.");
        }

        return await RunAsync($"on demand by {By()}", scheduled: false).ConfigureAwait(true)
            ?? throw new InvalidOperationException($"strategy {Name}: the rebalance did not run.");
    }

    public async Task<StrategyRunView> PreviewAsync()
    {
        var config = S.Config ?? throw new InvalidOperationException($"strategy {Name} is not defined.");
        var (targets, capital, orders, note) = await PlanAsync(config).ConfigureAwait(true);
        return new StrategyRunView(0, clock.GetUtcNow(), targets.Session, "preview", capital, orders, note, Versions(targets));
    }

    public Task<StrategyView> GetAsync() => Task.FromResult(View());

    public Task<StrategyRunView[]> RunsAsync(int limit) =>
        Task.FromResult(S.RunLog.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, Kept)).ToArray());

    public Task<StrategyEventView[]> HistoryAsync(int limit) =>
        Task.FromResult(S.History.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, 200)).ToArray());

    public async Task OnBreakerTrippedAsync(string scope, string reason)
    {
        if (S.Status == StrategyStatus.Running)
        {
            await HaltAsync(StrategyStatus.Paused, "breaker", $"breaker {scope} tripped: {reason}").ConfigureAwait(true);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        if (S.Status != StrategyStatus.Running)
        {
            await RemoveReminderAsync().ConfigureAwait(true);
            return;
        }

        try
        {
            await RunAsync("schedule", scheduled: true).ConfigureAwait(true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogTickFailed(logger, e, Name);
        }
    }

    /// <summary>
    /// One rebalance: a pending run is finished first; then the breakers (a tripped one pauses the strategy, nothing is
    /// sent); then the decision (a scheduled run trades only on a new session its schedule rebalances on); the run is
    /// stored with its orders before they are sent, sells first.
    /// </summary>
    private async Task<StrategyRunView?> RunAsync(string trigger, bool scheduled)
    {
        var config = S.Config!;
        if (S.Pending is { } pending)
        {
            await SendAsync(pending).ConfigureAwait(true);
        }

        if (await BlockedAsync(config).ConfigureAwait(true) is { } blocked)
        {
            await HaltAsync(StrategyStatus.Paused, "breaker", blocked).ConfigureAwait(true);
            return scheduled ? null : throw new InvalidOperationException($"strategy {Name} paused: {blocked}.");
        }

        if (scheduled)
        {
            var latest = await Task.Run(() => StrategyTargets.LatestSession(layout)).ConfigureAwait(true);
            if (latest <= S.LastSession || latest == S.LastChecked)
            {
                return null;
            }
        }

        var (targets, capital, orders, note) = await PlanAsync(config).ConfigureAwait(true);
        if (scheduled)
        {
            S.LastChecked = targets.Session;
            var due = targets.ScheduledRebalance && !(config.Strategy == "buy-and-hold" && S.LastSession is not null);
            if (!due || targets.Session <= S.LastSession)
            {
                await state.WriteOrDropAsync(this).ConfigureAwait(true);
                return null;
            }
        }

        var run = new StrategyRunView(++S.Runs, clock.GetUtcNow(), targets.Session, trigger, capital, orders, note, Versions(targets));
        S.Pending = run;
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        return await SendAsync(run).ConfigureAwait(true);
    }

    /// <summary>Sends a stored run's orders (again, after a failure: the gateway answers a known id with its first outcome) and records the outcome.</summary>
    private async Task<StrategyRunView> SendAsync(StrategyRunView run)
    {
        var config = S.Config!;
        var gateway = GrainFactory.GetGrain<IExecutionGatewayGrain>(config.Account);
        var sent = new List<StrategyOrderView>(run.Orders.Length);
        foreach (var order in run.Orders)
        {
            if (order.Quantity == 0)
            {
                sent.Add(order with { Status = "held" });
                continue;
            }

            var answer = await gateway.SubmitAsync(new OrderTicket(order.ClientOrderId, order.Symbol, order.Side, order.Quantity, null, Name)).ConfigureAwait(true);
            sent.Add(order with { Status = answer.Status, Reason = answer.Reason });
        }

        var done = run with { Orders = [.. sent] };
        S.LastSession = S.LastSession is { } last && last > run.Session ? last : run.Session;
        Finish(done);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        LogRun(logger, Name, run.Run, run.Session, sent.Count(o => o.Quantity > 0), sent.Count(o => o.Status == "rejected"));
        return done;
    }

    private async Task<(TargetBook Targets, double Capital, StrategyOrderView[] Orders, string? Note)> PlanAsync(StrategyConfig config)
    {
        var request = Request(config);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var targets = await Task.Run(() => StrategyTargets.Decide(layout, request, today)).ConfigureAwait(true);
        var account = await GrainFactory.GetGrain<IExecutionGatewayGrain>(config.Account).AccountAsync().ConfigureAwait(true);
        var capital = account.Equity * config.Allocation;
        var held = account.Positions.ToDictionary(p => p.Symbol, p => p.Quantity, StringComparer.Ordinal);
        var (planned, unpriced) = RebalancePlan.Orders(targets, held, capital);
        var run = S.Runs + 1;
        var orders = planned.Select(o => new StrategyOrderView(o.Symbol, o.Side == OrderSide.Buy ? TicketSide.Buy : TicketSide.Sell, o.Quantity, o.TargetWeight, o.TargetShares, o.HeldShares, o.Price,
            $"{Name}-{targets.Session:yyyyMMdd}-r{run}-{o.Symbol}", null, null)).ToArray();
        var notes = new List<string>();
        if (unpriced.Count > 0)
        {
            notes.Add($"no close to size {unpriced.Count} target(s): {string.Join(", ", unpriced.Take(10))}");
        }

        if (targets.Unmapped.Count > 0)
        {
            notes.Add($"{targets.Unmapped.Count} target(s) without a ticker on {targets.Session:yyyy-MM-dd} (PERMNO {string.Join(", ", targets.Unmapped.Take(10))})");
        }

        if (orders.All(o => o.Quantity == 0))
        {
            notes.Add("the account already holds the targets");
        }

        return (targets, capital, orders, notes.Count > 0 ? string.Join("; ", notes) : null);
    }

    private async Task<StrategyView> HaltAsync(string status, string by, string reason)
    {
        if (S.Config is null)
        {
            throw new InvalidOperationException($"strategy {Name} is not defined.");
        }

        if (S.Status == status)
        {
            return View();
        }

        if (S.Pending is { } pending)
        {
            Finish(pending with { Note = $"interrupted: {reason}" });
        }

        SetStatus(status, by, reason);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await RemoveReminderAsync().ConfigureAwait(true);
        return View();
    }

    private async Task RemoveReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ReminderName).ConfigureAwait(true) is { } reminder)
            {
                await this.UnregisterReminder(reminder).ConfigureAwait(true);
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogReminder(logger, e, Name); // the next tick sees the status and tries again
        }
    }

    /// <summary>The first tripped breaker over the strategy, as a sentence, or null.</summary>
    private async Task<string?> BlockedAsync(StrategyConfig config)
    {
        foreach (var scope in BreakerScope.Of(config.Account, Name))
        {
            var breaker = await GrainFactory.GetGrain<ICircuitBreakerGrain>(scope.Key).GetAsync().ConfigureAwait(true);
            if (breaker.Tripped)
            {
                return $"breaker {scope.Key} is tripped: {breaker.Reason}";
            }
        }

        return null;
    }

    private void Finish(StrategyRunView run)
    {
        S.Pending = null;
        S.RunLog.Add(run);
        if (S.RunLog.Count > Kept)
        {
            S.RunLog.RemoveRange(0, S.RunLog.Count - Kept);
        }
    }

    private void SetStatus(string status, string by, string reason)
    {
        (S.Status, S.StatusBy, S.StatusReason, S.StatusAt) = (status, by, reason, clock.GetUtcNow());
        Event(status == StrategyStatus.Running ? "start" : status == StrategyStatus.Paused ? "pause" : "stop", reason, by);
        LogEvent(logger, Name, status, by, reason);
    }

    private void Event(string action, string reason, string? by = null)
    {
        S.History.Add(new StrategyEventView(clock.GetUtcNow(), action, by ?? By(), reason));
        if (S.History.Count > 200)
        {
            S.History.RemoveRange(0, S.History.Count - 200);
        }
    }


    private StrategyView View() => new(Name, S.Config, S.Status, S.StatusBy, S.StatusReason, S.StatusAt, S.LastSession, S.RunLog.LastOrDefault(), S.Runs);

    private static BacktestRequest Request(StrategyConfig config) => new()
    {
        Strategy = config.Strategy,
        Model = config.Model,
        Construction = config.Construction,
        Quantile = config.Quantile,
    };

    private static string[] Versions(TargetBook targets) => [.. targets.DataVersions.Select(p => $"{p.Key}@{p.Value}")];

    private static string Describe(StrategyConfig c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Strategy}{(c.Model is { } m ? $" model {m}" : string.Empty)} ({c.Construction}, quantile {c.Quantile}) on account {c.Account}, {c.Allocation:P0} of equity");

    private static string By() => CallerIdentity.Current?.Actor ?? "schedule";

    private static string Reason(string reason) =>
        reason?.Trim() is { Length: > 0 and <= 500 } r ? r : throw new ArgumentException("reason: say why, in 1 to 500 characters.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Strategy {Strategy} {Status} by {By}: {Reason}")]
    private static partial void LogEvent(ILogger logger, string strategy, string status, string by, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Strategy {Strategy} run {Run} at {Session}: {Orders} order(s), {Rejected} rejected")]
    private static partial void LogRun(ILogger logger, string strategy, long run, DateOnly session, int orders, int rejected);

    [LoggerMessage(Level = LogLevel.Error, Message = "Strategy {Strategy}: the scheduled check failed; the next tick tries again")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string strategy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Strategy {Strategy}: could not remove its reminder; the next tick tries again")]
    private static partial void LogReminder(ILogger logger, Exception exception, string strategy);
}

/// <summary>The strategies and their accounts, persisted; one strategy per account.</summary>
public sealed class StrategyDirectoryGrain([PersistentState("strategy-directory", GrainStorageNames.Research)] IPersistentState<SortedDictionary<string, string>> state) : Grain, IStrategyDirectoryGrain
{
    public Task<StrategyListing[]> ListAsync() => Task.FromResult(state.State.Select(p => new StrategyListing(p.Key, p.Value)).ToArray());

    public async Task RegisterAsync(string name, string account)
    {
        if (state.State.FirstOrDefault(p => p.Value == account && p.Key != name) is { Key: { } other })
        {
            throw new ArgumentException($"account: {account} is traded by strategy {other}; one strategy per account (positions are the account's).");
        }

        if (state.State.TryGetValue(name, out var current) && current == account)
        {
            return;
        }

        state.State[name] = account;
        try
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
        catch
        {
            if (current is null)
            {
                state.State.Remove(name);
            }
            else
            {
                state.State[name] = current;
            }

            throw;
        }
    }
}
