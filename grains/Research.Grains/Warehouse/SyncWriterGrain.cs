using Microsoft.Extensions.Logging;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Warehouse;

/// <summary>
/// The cluster's single warehouse writer. Orchestration only; the work is <see cref="SyncManager"/>:
/// 1. <c>StartAsync</c> records the request and a lease (this activation, now + 1 minute) in persisted state and
///    starts the syncs on a background task, off the Orleans scheduler; it returns at once.
/// 2. A keep-alive grain timer every 2 s copies progress into the state, renews the lease and persists it, so
///    clients polling <c>GetStatusAsync</c> see progress that survives a refresh.
/// 3. If the silo dies, the next activation finds a running job whose lease has expired and restarts it; the
///    sync manager resumes from its checkpoint. While another activation's lease is live (a brief duplicate
///    during failover) it refuses to start; the lock file fences the writes either way.
/// 4. While a job runs, a durable wake reminder (<see cref="Hosting.WakeReminder"/>) makes the reminder service
///    reactivate the grain on a live silo after its silo died, so step 3 happens without any client call (bound:
///    failure detection plus the one-minute lease, within two reminder periods). It is removed when the job ends.
/// </summary>
public sealed class SyncWriterGrain(
    [PersistentState("sync-writer", GrainStorageNames.Research)] IPersistentState<SyncWriterState> state,
    WarehouseLayout layout,
    SyntheticMarketOptions syntheticOptions,
    TimeProvider clock,
    Research.Platform.Storage.Security.SecurityStorage security,
    ILogger<SyncWriterGrain> logger) : Grain, ISyncWriterGrain, IRemindable
{
    private static readonly TimeSpan LeaseLength = TimeSpan.FromMinutes(1);
    private readonly string _activation = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private Task? _work;
    private SyncJobStatus _live = SyncJobStatus.None;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _live = state.State.Job;
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)) { KeepAlive = true, Interleave = false });
        if (state.State.Job.State == SyncState.Running && state.State.Request is { } request && clock.GetUtcNow() >= state.State.LeaseExpiresAt)
        {
            logger.LogWarning("Resuming sync job {Job} after the loss of its previous activation", state.State.Job.JobId);
            await BeginAsync(request, state.State.Job.JobId).ConfigureAwait(true);
        }

        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
    }

    public async Task<SyncJobStatus> StartAsync(SyncRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Datasets.Count == 0)
        {
            throw new ArgumentException("Name at least one dataset to sync.", nameof(request));
        }

        if (_work is { IsCompleted: true })
        {
            // Finished since the last timer tick: record the outcome before deciding.
            state.State.Job = Snapshot();
            Report(state.State.Job, state.State.Request);
            state.State.LeaseHolder = null;
            _work = null;
            await state.WriteStateAsync().ConfigureAwait(true);
        }

        if (state.State.Job.State == SyncState.Running)
        {
            if (_work is not null && state.State.Request is { } running && running.Datasets.SequenceEqual(request.Datasets) && running.Incremental == request.Incremental)
            {
                return Snapshot();
            }

            if (_work is not null || (state.State.LeaseHolder != _activation && clock.GetUtcNow() < state.State.LeaseExpiresAt))
            {
                throw new InvalidOperationException($"The warehouse writer is busy with job {state.State.Job.JobId} ({string.Join(", ", state.State.Job.Datasets)}); poll its status or wait.");
            }
        }

        await BeginAsync(request, Guid.NewGuid().ToString("N")[..12]).ConfigureAwait(true);
        return Snapshot();
    }

    public Task<SyncJobStatus> GetStatusAsync() => Task.FromResult(Snapshot());

    /// <summary>The wake reminder's call: activation (which resumes an orphaned job) is the point; the timer does the rest.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => TickAsync(CancellationToken.None);

    private async Task BeginAsync(SyncRequest request, string jobId)
    {
        var started = clock.GetUtcNow();
        _live = new SyncJobStatus(jobId, SyncState.Running, request.Datasets, null, "starting", 0, started, null, null, []);
        state.State.Job = _live;
        state.State.Request = request;
        state.State.LeaseHolder = _activation;
        state.State.LeaseExpiresAt = started + LeaseLength;
        await state.WriteStateAsync().ConfigureAwait(true);
        state.State.ReminderSet = await Hosting.WakeReminder.TryRegisterAsync(this, logger).ConfigureAwait(true) || state.State.ReminderSet;
        _work = Task.Run(() => RunAsync(request, _live));
    }

    private async Task RunAsync(SyncRequest request, SyncJobStatus job)
    {
        var source = new SyntheticSyncSource(layout, syntheticOptions);
        var manager = new SyncManager(layout, clock, logger);
        var published = new List<string>();
        try
        {
            for (var i = 0; i < request.Datasets.Count; i++)
            {
                var index = i;
                var dataset = request.Datasets[i];
                var outcome = await manager.SyncAsync(dataset, request.Incremental ? SyncMode.Incremental : SyncMode.Full, source, request.RequestedBy,
                    new SyncProgressSink(p => Update(job with { CurrentDataset = p.Dataset, Stage = p.Stage, Fraction = (index + p.Fraction) / request.Datasets.Count, Published = [.. published] })));
                published.Add($"{dataset}@{outcome.Manifest.VersionId}");
                if (outcome.LockRecovered is { } recovered)
                {
                    await security.Audit.AppendAsync(new Research.Platform.Storage.Audit.AuditEntry(request.RequestedBy, "warehouse.lock.recover", dataset, "ok", recovered, "sync-writer")).ConfigureAwait(true);
                }
            }

            Update(job with { State = SyncState.Succeeded, Stage = "done", Fraction = 1, CurrentDataset = null, FinishedAt = clock.GetUtcNow(), Published = [.. published] });
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sync job {Job} failed", job.JobId);
            Update(job with { State = SyncState.Failed, Stage = "failed", FinishedAt = clock.GetUtcNow(), Error = e.Message, Published = [.. published] });
        }
    }

    /// <summary>
    /// Tells the alert rules how a finished sync went (<c>sync-failed</c>: 1 for the dataset that failed, 0 for each
    /// published one, which resolves an earlier failure's alert). Not awaited: a sync never waits for the alert service.
    /// </summary>
    private void Report(SyncJobStatus job, SyncRequest? request)
    {
        var alerts = GrainFactory.GetGrain<Research.Grains.Abstractions.Alerts.IAlertGrain>(0);
        var now = clock.GetUtcNow();
        if (job.State == SyncState.Failed)
        {
            var dataset = job.CurrentDataset ?? (request is { Datasets.Count: > 0 } r ? r.Datasets[0] : "warehouse");
            alerts.ObserveAsync(new Research.Grains.Abstractions.Alerts.AlertObservationView("sync-failed", dataset, 1, now, $"sync job {job.JobId} failed: {job.Error}")).Ignore();
        }
        else if (job.State == SyncState.Succeeded)
        {
            foreach (var published in job.Published)
            {
                alerts.ObserveAsync(new Research.Grains.Abstractions.Alerts.AlertObservationView("sync-failed", published.Split('@')[0], 0, now, $"sync job {job.JobId} published {published}")).Ignore();
            }
        }
    }

    private void Update(SyncJobStatus status)
    {
        lock (_gate)
        {
            _live = status;
        }
    }

    private SyncJobStatus Snapshot()
    {
        lock (_gate)
        {
            return _live;
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        // A job that runs in no activation here (its silo died): wait for the dead activation's lease to run out, then
        // resume it (the sync manager resumes from its checkpoint). Never renew a lease for work this activation is not doing.
        if (_work is null && state.State.Job.State == SyncState.Running && state.State.Request is { } orphan)
        {
            if (clock.GetUtcNow() >= state.State.LeaseExpiresAt)
            {
                logger.LogWarning("Resuming sync job {Job}: the activation that ran it is gone and its lease expired", state.State.Job.JobId);
                await BeginAsync(orphan, state.State.Job.JobId).ConfigureAwait(true);
            }

            return;
        }

        var live = Snapshot();
        if (live == state.State.Job && live.State != SyncState.Running)
        {
            if (state.State.ReminderSet)
            {
                state.State.ReminderSet = !await Hosting.WakeReminder.TryRemoveAsync(this, logger).ConfigureAwait(true);
                await state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
            }

            return;
        }

        state.State.Job = live;
        Report(live, state.State.Request);
        if (live.State == SyncState.Running)
        {
            state.State.LeaseHolder = _activation;
            state.State.LeaseExpiresAt = clock.GetUtcNow() + LeaseLength;
            if (!state.State.ReminderSet)
            {
                state.State.ReminderSet = await Hosting.WakeReminder.TryRegisterAsync(this, logger).ConfigureAwait(true);
            }
        }
        else
        {
            state.State.LeaseHolder = null;
            _work = null;
            if (state.State.ReminderSet)
            {
                state.State.ReminderSet = !await Hosting.WakeReminder.TryRemoveAsync(this, logger).ConfigureAwait(true);
            }
        }

        await state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
    }

    private sealed class SyncProgressSink(Action<SyncProgress> handler) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => handler(value);
    }
}
