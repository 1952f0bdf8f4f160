using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Research.Backtesting.Jobs;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Backtests;

/// <summary>
/// One backtest or Monte Carlo job. Orchestration only; the maths is <see cref="BacktestRunner"/> and
/// <see cref="MonteCarloSimulator"/>:
/// 1. <c>InitialiseAsync</c> (from the scheduler) persists the submission and the data versions: the job is queued.
/// 2. <c>StartAsync</c> (from the scheduler) takes a lease (this activation, now + lease length), persists it and starts the
///    work on a background task, off the Orleans scheduler, behind this silo's job slots.
/// 3. A grain timer copies progress (and completed Monte Carlo chunks) into the persisted state, renews the lease and
///    pushes the status to subscribers.
/// 4. If the silo dies, a later activation (the scheduler polls running jobs; clients poll too) finds a running job
///    whose lease has expired and starts the work again: a backtest reruns from the start (same data, same bytes), a
///    Monte Carlo skips the chunks already in the checkpoint. Chunk results are keyed by chunk index and the series
///    folder and result row are written once, so a rerun cannot duplicate anything.
/// 5. Cancellation trips the work's token; the engine checks it every session and chunks between calls.
/// 6. An activation that is deactivated while its work runs (its silo shutting down, Orleans moving it) stops the work,
///    keeps the completed chunks and hands the job over at once: the persisted status stays running with the lease
///    expired, so the next activation resumes it without waiting out the lease.
/// 7. Fencing: every persisted write carries the grain state's ETag. An old activation that kept running after a new
///    one took the job over (a split, a lost directory entry) fails its next write with an inconsistent-state error;
///    it then stops its work and deactivates, so it never writes over the new owner. Its results could not conflict
///    anyway: the series folder and the result row are written once, first writer wins, and both runs make the same bytes.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The work's CancellationTokenSource is disposed when the work ends (RunAsync); the activation holds none otherwise.")]
public sealed class BacktestJobGrain(
    [PersistentState("backtest-job", GrainStorageNames.Research)] IPersistentState<BacktestJobState> state,
    BacktestServices services,
    ILocalSiloDetails silo,
    TimeProvider clock,
    ILogger<BacktestJobGrain> logger) : Grain, IBacktestJobGrain
{
    private readonly string _activation = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<int, MonteCarloChunkResult> _chunks = new();
    private readonly ConcurrentDictionary<int, WalkForwardShardResult> _shards = new();
    private readonly ConcurrentDictionary<int, SignalShardResult> _signalUnits = new();
    private readonly ObserverManager<IBacktestJobObserver> _observers = new(TimeSpan.FromMinutes(1), logger);
    private Task? _work;
    private CancellationTokenSource? _cancel;
    private volatile bool _stopping;
    private BacktestJobStatus _live = BacktestJobStatus.Unknown(string.Empty);
    private BacktestJobStatus? _notified;

    private string JobId => this.GetPrimaryKeyString();

    private BacktestJobOptions Options => services.Options;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _live = state.State.Status ?? BacktestJobStatus.Unknown(JobId);
        foreach (var (index, chunk) in state.State.Chunks)
        {
            _chunks[index] = chunk;
        }

        foreach (var (index, shard) in state.State.Shards)
        {
            _shards[index] = shard;
        }

        foreach (var (index, unit) in state.State.SignalUnits ?? [])
        {
            _signalUnits[index] = unit;
        }

        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(Options.TickPeriod, Options.TickPeriod) { KeepAlive = true, Interleave = false });
        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>Step 6: stop the work, keep its chunks, and hand the job over with the lease expired.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_work is { IsCompleted: false } work && !_stopping)
        {
            var running = Snapshot();
            logger.LogWarning("Job {Job}: activation deactivating ({Reason}) while its work runs; stopping it so another activation resumes the job", JobId, reason.Description);
            _stopping = true;
            await _cancel!.CancelAsync().ConfigureAwait(true);
            try
            {
                await work.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(true);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                logger.LogWarning("Job {Job}: work did not stop within 10 s of deactivation; its writes are fenced", JobId);
            }

            if (running.State == JobState.Running)
            {
                state.State.Status = running with { Stage = "resuming on another silo" };
                foreach (var (index, chunk) in _chunks)
                {
                    state.State.Chunks.TryAdd(index, chunk);
                }

                foreach (var (index, shard) in _shards)
                {
                    state.State.Shards.TryAdd(index, shard);
                }

                CheckpointSignalUnits();
                state.State.LeaseHolder = null;
                state.State.LeaseExpiresAt = clock.GetUtcNow();
                await WriteFencedAsync(cancellationToken).ConfigureAwait(true);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>
    /// Step 7: persists the state; when another activation wrote it since (the ETag moved on), this one has lost the job:
    /// it stops its work and deactivates instead of overwriting the new owner. False when the write was fenced off.
    /// </summary>
    private async Task<bool> WriteFencedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
            return true;
        }
        catch (Orleans.Storage.InconsistentStateException e)
        {
            logger.LogWarning(e, "Job {Job}: another activation owns this job now; this one stops its work and deactivates", JobId);
            if (!_stopping && _cancel is not null)
            {
                _stopping = true;
                await _cancel.CancelAsync().ConfigureAwait(true);
            }

            this.DeactivateOnIdle();
            return false;
        }
    }

    public async Task<BacktestJobStatus> InitialiseAsync(JobSubmission submission, IReadOnlyDictionary<string, string> dataVersions)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(dataVersions);
        var (kind, label) = BacktestSpecs.Describe(submission);
        var current = Snapshot();
        var pruned = current.State == JobState.Succeeded && await services.Index.GetAsync(JobId).ConfigureAwait(true) is null;
        if (state.State.Submission is not null && current.State is not (JobState.Failed or JobState.Cancelled) && !pruned)
        {
            return current;
        }

        // New, a failed or cancelled job submitted again, or one whose result retention deleted: queue it (again).
        state.State.Submission ??= submission;
        state.State.DataVersions = new Dictionary<string, string>(dataVersions, StringComparer.Ordinal);
        state.State.CancelRequested = false;
        var status = new BacktestJobStatus(JobId, kind, label, JobState.Queued, "queued", 0, submission.Priority, submission.RequestedBy,
            clock.GetUtcNow(), null, null, null, null, current.Attempts);
        Publish(status);
        state.State.Status = status;
        await state.WriteStateAsync().ConfigureAwait(true);
        return status;
    }

    public async Task<BacktestJobStatus> StartAsync()
    {
        await CollectFinishedAsync().ConfigureAwait(true);
        var current = Snapshot();
        if (current.State == JobState.Queued)
        {
            await BeginAsync().ConfigureAwait(true);
            Notify(); // state changes are pushed at once; progress within a state on the next tick
        }

        return Snapshot();
    }

    public async Task<BacktestJobStatus> GetStatusAsync()
    {
        await CollectFinishedAsync().ConfigureAwait(true);
        var current = Snapshot();
        return current.State == JobState.Running && _work is null && clock.GetUtcNow() >= state.State.LeaseExpiresAt
            ? current with { Stage = $"its silo {current.Silo} was lost; resuming on a live silo" } // not "running" on a dead address
            : current;
    }

    public async Task<BacktestJobStatus> CancelAsync(string requestedBy)
    {
        // Below operator, only the job's owner may cancel it (the role itself was checked by the silo's filter).
        if (CallerIdentity.Current is { } caller && !ResearchActions.Allows(caller.Role, ResearchActions.BacktestCancelAny)
            && state.State.Submission is { } owned && !string.Equals(owned.RequestedBy, caller.Actor, StringComparison.Ordinal))
        {
            throw new ActionDeniedException(ResearchActions.BacktestCancelAny, caller.Actor, caller.Role);
        }

        requestedBy = CallerIdentity.Current is { Role: < Role.Operator } self ? self.Actor : requestedBy;
        await CollectFinishedAsync().ConfigureAwait(true);
        var current = Snapshot();
        if (current.IsFinished || current.State == JobState.None)
        {
            return current;
        }

        logger.LogInformation("Job {Job} cancelled by {User}", JobId, requestedBy);
        state.State.CancelRequested = true;
        if (_work is not null)
        {
            Update(s => s with { Stage = "cancelling" });
            await _cancel!.CancelAsync().ConfigureAwait(true);
        }
        else
        {
            // Queued, or running on an activation that is gone: nothing to stop here.
            Publish(current with { State = JobState.Cancelled, Stage = $"cancelled by {requestedBy}", FinishedAt = clock.GetUtcNow() });
        }

        state.State.Status = Snapshot();
        await state.WriteStateAsync().ConfigureAwait(true);
        Notify();
        return Snapshot();
    }

    public async Task<BacktestJobResult?> GetResultAsync()
    {
        if (Snapshot().State != JobState.Succeeded)
        {
            return null;
        }

        var row = await services.Index.GetAsync(JobId).ConfigureAwait(true);
        if (row is null)
        {
            return null;
        }

        var kind = WireNames.Parse<JobKind>(row.Kind, $"result index: kind of {row.JobId}");
        return new BacktestJobResult(row.JobId, kind, row.Label, row.Metrics, row.MetricsSha256,
            ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions), row.SeriesFolder, row.SeriesSha256, row.CreatedAt, row.Pinned, row.Starred,
            ResultMetrics.Of(kind, row.Metrics));
    }

    public Task<JobSubmission?> GetSubmissionAsync() => Task.FromResult(state.State.Submission);

    public Task SubscribeAsync(IBacktestJobObserver observer)
    {
        _observers.Subscribe(observer, observer);
        observer.OnStatusChanged(Snapshot());
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IBacktestJobObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private async Task BeginAsync()
    {
        if (state.State.CancelRequested)
        {
            Publish(Snapshot() with { State = JobState.Cancelled, Stage = "cancelled", FinishedAt = clock.GetUtcNow() });
            state.State.Status = Snapshot();
            await state.WriteStateAsync().ConfigureAwait(true);
            return;
        }

        var now = clock.GetUtcNow();
        var status = Snapshot() with
        {
            State = JobState.Running,
            Stage = Snapshot().Attempts > 0 ? $"resuming (attempt {Snapshot().Attempts + 1})" : "starting",
            StartedAt = Snapshot().StartedAt ?? now, // a resumed job keeps its original start
            Silo = silo.SiloAddress.ToParsableString(),
            Attempts = Snapshot().Attempts + 1,
        };
        Publish(status);
        state.State.Status = status;
        state.State.LeaseHolder = _activation;
        state.State.LeaseExpiresAt = now + Options.LeaseLength;
        await state.WriteStateAsync().ConfigureAwait(true);
        _cancel = new CancellationTokenSource();
        var submission = state.State.Submission!;
        var versions = new Dictionary<string, string>(state.State.DataVersions, StringComparer.Ordinal);
        var work = new BacktestJobWork(JobId, services, GrainFactory, clock, logger, _chunks, _shards, _signalUnits, Update);
        var token = _cancel.Token;
        _work = Task.Run(() => work.RunAsync(submission, versions, token), CancellationToken.None);
    }

    /// <summary>Copies the finished signal-sweep units into the state to be written (a resumed job runs only the others).</summary>
    private void CheckpointSignalUnits()
    {
        state.State.SignalUnits ??= [];
        foreach (var (index, unit) in _signalUnits)
        {
            state.State.SignalUnits.TryAdd(index, unit);
        }
    }

    /// <summary>When the work has ended, persists its outcome and releases the lease (before answering a call).</summary>
    private async Task CollectFinishedAsync()
    {
        if (_work is not { IsCompleted: true })
        {
            return;
        }

        _work = null;
        _cancel?.Dispose();
        _cancel = null;
        if (_stopping)
        {
            return; // stopped for a hand-over (step 6 or 7): its "cancelled" is not the job's outcome
        }

        state.State.Status = Snapshot();
        state.State.LeaseHolder = null;
        state.State.Chunks = [];
        state.State.Shards = [];
        state.State.SignalUnits = [];
        await WriteFencedAsync().ConfigureAwait(true);
        Notify();
        if (state.State.Status.State == JobState.Failed)
        {
            // The alert rules hear of it (job-failed, subject = the job id); not awaited: a job never waits for alerts.
            GrainFactory.GetGrain<Research.Grains.Abstractions.Alerts.IAlertGrain>(0).ObserveAsync(new Research.Grains.Abstractions.Alerts.AlertObservationView(
                "job-failed", state.State.Status.JobId, 1, clock.GetUtcNow(), $"{state.State.Status.Kind} {state.State.Status.Label} by {state.State.Status.RequestedBy}: {state.State.Status.Error}")).Ignore();
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_work is { IsCompleted: true })
        {
            await CollectFinishedAsync().ConfigureAwait(true);
            return;
        }

        var live = Snapshot();
        if (_work is not null)
        {
            state.State.Status = live;
            foreach (var (index, chunk) in _chunks)
            {
                state.State.Chunks.TryAdd(index, chunk);
            }

            foreach (var (index, shard) in _shards)
            {
                state.State.Shards.TryAdd(index, shard);
            }

            CheckpointSignalUnits();
            state.State.LeaseHolder = _activation;
            state.State.LeaseExpiresAt = clock.GetUtcNow() + Options.LeaseLength;
            if (!await WriteFencedAsync(cancellationToken).ConfigureAwait(true))
            {
                return;
            }
        }
        else if (live.State == JobState.Running && !_stopping && clock.GetUtcNow() >= state.State.LeaseExpiresAt)
        {
            logger.LogWarning("Job {Job} was running on {Silo}, whose lease expired: resuming it here (attempt {Attempt})", JobId, live.Silo, live.Attempts + 1);
            await BeginAsync().ConfigureAwait(true);
        }

        Notify();
    }

    private void Notify()
    {
        var current = Snapshot();
        if (current == _notified || _observers.Count == 0)
        {
            _notified = current;
            return;
        }

        _notified = current;
        _observers.Notify(o => o.OnStatusChanged(current));
    }

    private void Publish(BacktestJobStatus status)
    {
        lock (_gate)
        {
            _live = status;
        }
    }

    private void Update(Func<BacktestJobStatus, BacktestJobStatus> change)
    {
        lock (_gate)
        {
            _live = change(_live);
        }
    }

    private BacktestJobStatus Snapshot()
    {
        lock (_gate)
        {
            return _live;
        }
    }
}
