using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Trading.Breakers;

namespace Research.Grains.Trading;

/// <summary>
/// One breaker (key = scope), its <see cref="BreakerBook"/> persisted before any answer: a trip is durable before the
/// caller hears of it, so an order that starts after a trip returned sees it. A trip that changes the state tells the
/// gateways it covers to cancel their open orders (one-way calls: a gateway that trips its own breaker is not waited on).
/// </summary>
public sealed partial class CircuitBreakerGrain(
    [PersistentState("breaker", GrainStorageNames.Research)] IPersistentState<BreakerBook> state,
    TimeProvider clock,
    IStepUpVerifier stepUp,
    ILogger<CircuitBreakerGrain> logger) : Grain, ICircuitBreakerGrain
{
    private BreakerScope Scope => BreakerScope.Parse(this.GetPrimaryKeyString());

    private BreakerBook Book => state.State;

    public Task<BreakerView> GetAsync() => Task.FromResult(View());

    public Task<BreakerEventView[]> HistoryAsync(int limit) =>
        Task.FromResult(Book.History.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, BreakerBook.HistoryLimit)).Select(e => new BreakerEventView(e.At, e.Action, e.By, e.Source, e.Reason)).ToArray());

    public Task<BreakerView> TripAsync(string reason) => TripAsync("manual", Reason(reason));

    public Task<BreakerView> TripByRuleAsync(string rule, string reason) => TripAsync(rule, Reason(reason));

    public async Task<BreakerView> ResetAsync(string reason, string code)
    {
        var by = By();
        try
        {
            if (!await stepUp.VerifyAsync(by, code).ConfigureAwait(true))
            {
                Book.Refuse(by, reason, $"a reset needs a current code from {by}'s authenticator", clock.GetUtcNow());
            }

            Book.Reset(by, reason, clock.GetUtcNow());
        }
        catch (BreakerResetRefusedException e)
        {
            await state.WriteOrDropAsync(this).ConfigureAwait(true);
            LogResetRefused(logger, Scope.Key, by, e.Message);
            throw new InvalidOperationException($"{Scope.Key}: {e.Message}"); // a type every client can read
        }

        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        LogReset(logger, Scope.Key, by, reason);
        Notify(0, $"reset by {by}: {reason}");
        return View();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ = Scope; // a bad key fails here, naming what is accepted
        return base.OnActivateAsync(cancellationToken);
    }

    private async Task<BreakerView> TripAsync(string source, string reason)
    {
        var by = source == "manual" ? By() : "rule";
        var changed = Book.Trip(by, source, reason, clock.GetUtcNow());
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        if (changed)
        {
            LogTripped(logger, Scope.Key, by, source, reason);
            Notify(1, $"tripped by {by} ({source}): {reason}");
            var accounts = Scope.Kind == BreakerScopeKind.Account ? [Scope.Name] : await GrainFactory.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync().ConfigureAwait(true);
            foreach (var account in accounts)
            {
                await GrainFactory.GetGrain<IExecutionGatewayGrain>(account).OnBreakerTrippedAsync(Scope.Key, reason).ConfigureAwait(true);
            }

            // The strategies it covers pause, so the next signal does not re-enter what the trip exited.
            foreach (var strategy in await GrainFactory.GetGrain<IStrategyDirectoryGrain>(0).ListAsync().ConfigureAwait(true))
            {
                if (Scope.Kind == BreakerScopeKind.Global || (Scope.Kind == BreakerScopeKind.Account ? strategy.Account : strategy.Name) == Scope.Name)
                {
                    await GrainFactory.GetGrain<IStrategyGrain>(strategy.Name).OnBreakerTrippedAsync(Scope.Key, reason).ConfigureAwait(true);
                }
            }
        }

        return View();
    }

    /// <summary>
    /// Tells the alert rules (1 tripped, 0 reset). Not awaited: a trip never waits for, or fails with, the alert
    /// service; the breaker's history is the record.
    /// </summary>
    private void Notify(double value, string detail) =>
        GrainFactory.GetGrain<Research.Grains.Abstractions.Alerts.IAlertGrain>(0)
            .ObserveAsync(new Research.Grains.Abstractions.Alerts.AlertObservationView("breaker-tripped", Scope.Key, value, clock.GetUtcNow(), detail)).Ignore();

    private BreakerView View() => new(Scope.Key, Book.Tripped, Book.TrippedAt, Book.TrippedBy, Book.TrippedSource, Book.TrippedReason, Book.LastReset,
        Book.LastReset is { } last ? last + BreakerBook.ResetInterval : null);

    private static string By() => CallerIdentity.Current?.Actor ?? "unknown";

    private static string Reason(string reason) =>
        reason?.Trim() is { Length: > 0 and <= 500 } r ? r : throw new ArgumentException("reason: say why, in 1 to 500 characters.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Breaker {Scope} tripped by {By} ({Source}): {Reason}")]
    private static partial void LogTripped(ILogger logger, string scope, string by, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Breaker {Scope} reset by {By}: {Reason}")]
    private static partial void LogReset(ILogger logger, string scope, string by, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Breaker {Scope}: reset by {By} refused: {Why}")]
    private static partial void LogResetRefused(ILogger logger, string scope, string by, string why);
}

/// <summary>The accounts with a gateway, persisted.</summary>
public sealed class TradingDirectoryGrain([PersistentState("trading-directory", GrainStorageNames.Research)] IPersistentState<SortedSet<string>> state) : Grain, ITradingDirectoryGrain
{
    public Task<string[]> AccountsAsync() => Task.FromResult(state.State.ToArray());

    public async Task RegisterAsync(string account)
    {
        if (state.State.Add(account))
        {
            try
            {
                await state.WriteStateAsync().ConfigureAwait(true);
            }
            catch
            {
                state.State.Remove(account); // registered only once stored; the gateway asks again
                throw;
            }
        }
    }
}
