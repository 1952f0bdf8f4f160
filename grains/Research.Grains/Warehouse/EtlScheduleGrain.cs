using Microsoft.Extensions.Logging;
using Research.Data.Etl;
using Research.Data.Fetching;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;
using Research.Grains.Hosting;
using Research.Platform.Storage.Audit;

namespace Research.Grains.Warehouse;

/// <summary>
/// Runs the historical ETL (<see cref="HistoricalEtl"/>) of one dataset on a cron schedule. Orchestration only:
/// 1. <c>SetAsync</c> checks and stores the schedule (grain state) and registers the durable reminder <c>etl</c>
///    (every minute), so the schedule outlives any one silo; every change is audited.
/// 2. Each reminder tick records a finished run, then, when the next cron occurrence after the last one served
///    (or after the schedule was set) has passed, starts a run for it off the Orleans scheduler. Occurrences missed
///    while no silo was up are served once, not once each.
/// 3. A run loads up to the last completed day (<see cref="CompletedSessions"/>); the ETL takes the warehouse write lock, so it never races the sync writer.
/// 4. A run whose activation was lost (its silo died) is marked interrupted on the next activation and its occurrence
///    is due again, so the next tick runs it; the ETL is idempotent (new rows per symbol).
/// </summary>
public sealed class EtlScheduleGrain(
    [PersistentState("etl-schedule", GrainStorageNames.Research)] IPersistentState<EtlScheduleState> state,
    WarehouseLayout layout,
    SyntheticMarketOptions syntheticOptions,
    FetcherSettings fetcherSettings,
    FetcherMetrics metrics,
    TimeProvider clock,
    Research.Platform.Storage.Security.SecurityStorage security,
    ILogger<EtlScheduleGrain> logger) : Grain, IEtlScheduleGrain, IRemindable
{
    /// <summary>The reminder's name; it ticks every <see cref="Hosting.WakeReminder.Period"/>.</summary>
    public const string ReminderName = "etl";

    private Task<EtlRunSummary>? _work;

    private string Dataset => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.LastRun is { Outcome: "running" } lost)
        {
            logger.LogWarning("ETL {Dataset}: the run started {Started} was lost with its silo; it runs again at the next tick", Dataset, lost.Started);
            state.State.LastRun = lost with { Outcome = "interrupted", Finished = clock.GetUtcNow(), Error = "The silo running it stopped; the next tick runs it again." };
            state.State.LastServed = state.State.PreviousServed;
            await state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        }

        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
    }

    public async Task<EtlScheduleStatus> SetAsync(EtlSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Check(Dataset, schedule, fetcherSettings);
        state.State.Schedule = schedule with { Symbols = [.. schedule.Symbols.Select(s => s.Trim().ToUpperInvariant()).Distinct()] };
        state.State.SetAt = clock.GetUtcNow();
        state.State.LastServed = null;
        await state.WriteStateAsync().ConfigureAwait(true);
        await this.RegisterOrUpdateReminder(ReminderName, Hosting.WakeReminder.Period, Hosting.WakeReminder.Period).ConfigureAwait(true);
        await AuditAsync("etl.schedule.set", $"'{schedule.Cron}' ({schedule.TimeZone}), {schedule.Symbols.Count} symbol(s) from {schedule.From:yyyy-MM-dd}, source {schedule.Source}").ConfigureAwait(true);
        return Status();
    }

    public async Task<EtlScheduleStatus> RemoveAsync()
    {
        state.State.Schedule = null;
        await state.WriteStateAsync().ConfigureAwait(true);
        if (await this.GetReminder(ReminderName).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }

        await AuditAsync("etl.schedule.remove", null).ConfigureAwait(true);
        return Status();
    }

    public async Task<EtlScheduleStatus> RunNowAsync()
    {
        await HarvestAsync().ConfigureAwait(true);
        if (state.State.Schedule is null)
        {
            throw new InvalidOperationException($"{Dataset} has no ETL schedule to run; set one first (research etl schedule).");
        }

        if (_work is not null)
        {
            throw new InvalidOperationException($"The ETL of {Dataset} is already running (started {state.State.LastRun?.Started:u}).");
        }

        await StartAsync("manual", occurrence: null).ConfigureAwait(true);
        await AuditAsync("etl.run", "started by hand").ConfigureAwait(true);
        return Status();
    }

    public async Task<EtlScheduleStatus> GetStatusAsync()
    {
        await HarvestAsync().ConfigureAwait(true);
        return Status();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await HarvestAsync().ConfigureAwait(true);
        if (state.State.Schedule is null || _work is not null)
        {
            return;
        }

        var due = LastDue(state.State.Schedule, state.State.LastServed ?? state.State.SetAt, clock.GetUtcNow());
        if (due is not null)
        {
            await StartAsync("schedule", due).ConfigureAwait(true);
        }
    }

    /// <summary>The latest occurrence after <paramref name="after"/> that is not later than <paramref name="now"/>, or null.</summary>
    public static DateTimeOffset? LastDue(EtlSchedule schedule, DateTimeOffset after, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return CronOccurrences.LastDue(schedule.Cron, schedule.TimeZone, after, now);
    }

    /// <summary>Refuses a schedule that could not run, naming what is wrong.</summary>
    public static void Check(string dataset, EtlSchedule schedule, FetcherSettings settings)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(settings);
        if (!EtlRequest.Datasets.Contains(dataset))
        {
            throw new ArgumentException($"dataset: the ETL loads {string.Join(" or ", EtlRequest.Datasets)}, not '{dataset}'.");
        }

        if (schedule.Symbols.Count == 0 || schedule.Symbols.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("symbols: an ETL schedule needs at least one symbol, none of them empty.");
        }

        _ = CronOccurrences.Parse(schedule.Cron, schedule.TimeZone);
        _ = (settings with { Chain = schedule.Source }).Providers(warehouseHasCrsp: true);
    }

    private EtlScheduleStatus Status()
    {
        var schedule = state.State.Schedule;
        DateTimeOffset? next = null;
        if (schedule is not null)
        {
            next = CronOccurrences.Next(schedule.Cron, schedule.TimeZone, state.State.LastServed ?? state.State.SetAt);
        }

        return new EtlScheduleStatus(Dataset, schedule, next, state.State.LastRun);
    }

    private async Task StartAsync(string trigger, DateTimeOffset? occurrence)
    {
        var schedule = state.State.Schedule!;
        if (occurrence is not null)
        {
            state.State.PreviousServed = state.State.LastServed;
            state.State.LastServed = occurrence;
        }

        state.State.LastRun = new EtlRunSummary(clock.GetUtcNow(), null, "running", null, 0, null, null, trigger);
        await state.WriteStateAsync().ConfigureAwait(true);
        var started = state.State.LastRun.Started;
        _work = Task.Run(() => RunAsync(schedule, started, trigger));
    }

    private async Task<EtlRunSummary> RunAsync(EtlSchedule schedule, DateTimeOffset started, string trigger)
    {
        try
        {
            var to = CompletedSessions.LastCompletedDay(clock.GetUtcNow());
            using var chain = await MarketDataChain.OpenAsync(layout, fetcherSettings with { Chain = schedule.Source }, syntheticOptions, clock, metrics, schedule.Symbols, logger).ConfigureAwait(true);
            var etl = new HistoricalEtl(layout, chain.Fetcher, clock, logger) { Parallelism = fetcherSettings.Parallelism };
            var outcome = await etl.RunAsync(new EtlRequest(Dataset, schedule.Symbols, schedule.From, to, AllowPartial: schedule.AllowPartial), schedule.RequestedBy).ConfigureAwait(true);
            return new EtlRunSummary(started, clock.GetUtcNow(), outcome.Published is null ? "nothing new" : "published", outcome.Published, outcome.NewRows, outcome.Watermark,
                outcome.Failed.Count == 0 ? null : $"left out: {string.Join("; ", outcome.Failed.Select(f => f.Reason))}", trigger);
        }
        catch (Exception e)
        {
            logger.LogError(e, "ETL {Dataset} failed", Dataset);
            return new EtlRunSummary(started, clock.GetUtcNow(), "failed", null, 0, null, e.Message, trigger);
        }
    }

    /// <summary>Records a finished run.</summary>
    private async Task HarvestAsync()
    {
        if (_work is { IsCompleted: true } done)
        {
            _work = null;
            state.State.LastRun = await done.ConfigureAwait(true);
            await state.WriteStateAsync().ConfigureAwait(true);
        }
    }

    private async Task AuditAsync(string action, string? detail) =>
        await security.Audit.AppendAsync(new AuditEntry(CallerIdentity.Current?.Actor ?? "cluster", action, Dataset, "ok", null, CallerIdentity.Current?.Origin, detail)).ConfigureAwait(true);
}
