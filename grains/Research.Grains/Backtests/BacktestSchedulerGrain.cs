using Microsoft.Extensions.Logging;
using Research.Backtesting.Jobs;
using Research.Backtesting.Results;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Backtests;

/// <summary>A queued job in the scheduler's state.</summary>
[GenerateSerializer, Alias("research.backtests.QueueEntry")]
public sealed record QueueEntry([property: Id(0)] string JobId, [property: Id(1)] int Rank, [property: Id(2)] string User, [property: Id(3)] long Sequence);

/// <summary>Persisted state of the <see cref="BacktestSchedulerGrain"/>.</summary>
[GenerateSerializer, Alias("research.backtests.SchedulerState")]
public sealed class BacktestSchedulerState
{
    [Id(0)]
    public List<QueueEntry> Queue { get; set; } = [];

    /// <summary>Running job -> user.</summary>
    [Id(1)]
    public Dictionary<string, string> Running { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Job ids in submission order, newest last (bounded), for listings.</summary>
    [Id(2)]
    public List<string> Recent { get; set; } = [];

    [Id(3)]
    public long Sequence { get; set; }
}

/// <summary>
/// The backtest queue. Orchestration only:
/// 1. <c>SubmitAsync</c> validates the submission, resolves the data versions (current warehouse versions for a
///    backtest; the source job's versions for a Monte Carlo), derives the job id from spec + versions, records the
///    job in its grain (idempotent) and queues it if it is new.
/// 2. A timer, and every submission, dispatches: highest priority first, then first submitted, while the cluster has
///    capacity (<see cref="BacktestJobOptions.MaxJobsPerSilo"/> times the active silos; each silo also enforces its
///    own limit) and the job's user is under <see cref="BacktestJobOptions.MaxJobsPerUser"/>.
/// 3. The timer polls running jobs: finished ones leave the running set; polling also reactivates a job whose silo was
///    lost, which resumes it.
/// 4. While anything is queued or running, a reminder (<see cref="WakeReminder"/>, durable in the reminder service)
///    wakes the scheduler every minute: if its silo died with it, the reminder reactivates it on a live silo, whose
///    timer resumes steps 2 and 3, so no client call is needed. Bound: failure detection plus one reminder period
///    (about 2 minutes on the defaults). The reminder is removed when the queue and the running set are empty.
/// Calls go one way, scheduler to job, so the two grains never wait on each other.
/// </summary>
public sealed class BacktestSchedulerGrain(
    [PersistentState("backtest-scheduler", GrainStorageNames.Research)] IPersistentState<BacktestSchedulerState> state,
    BacktestServices services,
    TimeProvider clock,
    ILogger<BacktestSchedulerGrain> logger) : Grain, IBacktestSchedulerGrain, IRemindable
{
    /// <summary>The reminder that keeps the scheduler alive across silo loss while it has work.</summary>
    public const string WakeReminder = Hosting.WakeReminder.Name;

    private const int RecentLimit = 1000;
    private bool _reminded;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(services.Options.TickPeriod, services.Options.TickPeriod) { KeepAlive = true, Interleave = false });
        _reminded = await Hosting.WakeReminder.IsRegisteredAsync(this, logger, cancellationToken).ConfigureAwait(true);
        if (HasWork && !_reminded)
        {
            _reminded = await Hosting.WakeReminder.TryRegisterAsync(this, logger).ConfigureAwait(true);
        }

        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
    }

    /// <summary>The reminder's call: being active again is the point (the timer does the work); tick once now as well.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        logger.LogDebug("Scheduler woken by reminder {Reminder} ({Queued} queued, {Running} running)", reminderName, state.State.Queue.Count, state.State.Running.Count);
        return TickAsync(CancellationToken.None);
    }

    private bool HasWork => state.State.Queue.Count > 0 || state.State.Running.Count > 0;

    /// <summary>Keeps the wake reminder exactly while there is work.</summary>
    private async Task KeepRemindedAsync()
    {
        if (HasWork && !_reminded)
        {
            _reminded = await Hosting.WakeReminder.TryRegisterAsync(this, logger).ConfigureAwait(true);
        }
        else if (!HasWork && _reminded)
        {
            _reminded = !await Hosting.WakeReminder.TryRemoveAsync(this, logger).ConfigureAwait(true);
        }
    }

    public async Task<BacktestJobStatus> SubmitAsync(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);

        // Below operator the job is owned by the identity on the call, whatever name the request carries; operators
        // (and the CLI, which calls as one) may submit on behalf of a named user.
        if (CallerIdentity.Current is { } caller && caller.Role < Role.Operator)
        {
            submission = submission with { RequestedBy = caller.Actor };
        }

        BacktestSpecs.Describe(submission);
        string jobId;
        IReadOnlyDictionary<string, string> versions;
        if (submission.Backtest is { } backtest)
        {
            var request = BacktestSpecs.ToRequest(backtest);
            versions = BacktestRunner.CurrentVersions(services.Layout, request);
            jobId = BacktestRequest.JobId("bt", request.Canonical(), versions);
        }
        else if (submission.SignalSweep is { } sweep)
        {
            var request = BacktestSpecs.ToRequest(sweep);
            versions = Research.Backtesting.Signals.SignalSweepPlan.CurrentVersions(services.Layout, request);
            jobId = BacktestRequest.JobId("sg", request.Canonical(), versions);
        }
        else if (submission.WalkForward is { } walkForward)
        {
            var request = BacktestSpecs.ToRequest(walkForward);
            versions = BacktestRunner.CurrentVersions(services.Layout);
            jobId = BacktestRequest.JobId("wf", request.Canonical(), versions);
        }
        else
        {
            var request = BacktestSpecs.ToRequest(submission.MonteCarlo!);
            var source = await services.Index.GetAsync(request.SourceJob).ConfigureAwait(true);
            var sourceKind = source is null ? JobKind.None : WireNames.Parse<JobKind>(source.Kind, $"result index: kind of {source.JobId}");
            if (source is null || sourceKind is not (JobKind.Backtest or JobKind.WalkForward))
            {
                throw new ArgumentException($"source job: '{request.SourceJob}' has no stored backtest or walk-forward result (submit it and wait for it to succeed).");
            }

            if (request.Method == Research.Backtesting.MonteCarlo.Resampling.TradeBootstrap && sourceKind != JobKind.Backtest)
            {
                throw new ArgumentException($"method: the trade bootstrap needs a backtest's trades; '{request.SourceJob}' is a {WireNames.Of(sourceKind)}.");
            }

            versions = ResultDocuments.Deserialize<Dictionary<string, string>>(source.DataVersions);
            jobId = BacktestRequest.JobId("mc", request.Canonical(), versions);
        }

        var job = GrainFactory.GetGrain<IBacktestJobGrain>(jobId);
        var status = await job.InitialiseAsync(submission, versions).ConfigureAwait(true);
        if (status.State == JobState.Queued && !state.State.Running.ContainsKey(jobId) && state.State.Queue.All(q => q.JobId != jobId))
        {
            state.State.Queue.Add(new QueueEntry(jobId, (int)submission.Priority, submission.RequestedBy, ++state.State.Sequence));
            state.State.Recent.Remove(jobId);
            state.State.Recent.Add(jobId);
            if (state.State.Recent.Count > RecentLimit)
            {
                state.State.Recent.RemoveRange(0, state.State.Recent.Count - RecentLimit);
            }

            logger.LogInformation("Queued job {Job} ({Label}) for {User} at {Priority} priority", jobId, status.Label, submission.RequestedBy, submission.Priority);
            await state.WriteStateAsync().ConfigureAwait(true);
            await KeepRemindedAsync().ConfigureAwait(true);

            await DispatchAsync().ConfigureAwait(true);
            return await job.GetStatusAsync().ConfigureAwait(true);
        }

        return status;
    }

    public async Task<IReadOnlyList<BacktestJobStatus>> ListAsync(int limit)
    {
        var ids = state.State.Recent.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, RecentLimit)).ToList();
        return await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IBacktestJobGrain>(id).GetStatusAsync())).ConfigureAwait(true);
    }

    public Task<bool> SetFlagsAsync(string jobId, bool? pinned, bool? starred) => services.Index.SetFlagsAsync(jobId, pinned, starred);

    public async Task<RetentionReport> ApplyRetentionAsync(int keepLatest, int maxAgeDays)
    {
        if (keepLatest < 0 || maxAgeDays < 0)
        {
            throw new ArgumentException($"retention: keep {keepLatest} and max age {maxAgeDays} days must not be negative.");
        }

        var outcome = await ResultRetention.ApplyAsync(services.Index, keepLatest, TimeSpan.FromDays(maxAgeDays), clock.GetUtcNow(), services.Series.Delete).ConfigureAwait(true);
        logger.LogInformation("Retention (keep {Keep}, max age {Days} d) deleted {Deleted} result(s): {Ids}", keepLatest, maxAgeDays, outcome.Deleted.Count, string.Join(", ", outcome.Deleted));
        return new RetentionReport(outcome.Deleted, outcome.KeptPinnedOrStarred, outcome.KeptRecent);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var changed = await RefreshRunningAsync().ConfigureAwait(true);
        foreach (var entry in state.State.Queue.ToList())
        {
            var status = await GrainFactory.GetGrain<IBacktestJobGrain>(entry.JobId).GetStatusAsync().ConfigureAwait(true);
            if (status.State != JobState.Queued)
            {
                state.State.Queue.Remove(entry);
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        }

        await DispatchAsync().ConfigureAwait(true);
        await KeepRemindedAsync().ConfigureAwait(true);
    }

    /// <summary>Drops jobs that are no longer running from the running set (polling also reactivates a job whose silo was lost).</summary>
    private async Task<bool> RefreshRunningAsync()
    {
        var changed = false;
        foreach (var jobId in state.State.Running.Keys.ToList())
        {
            var status = await GrainFactory.GetGrain<IBacktestJobGrain>(jobId).GetStatusAsync().ConfigureAwait(true);
            if (status.State != JobState.Running)
            {
                state.State.Running.Remove(jobId);
                changed = true;
            }
        }

        return changed;
    }

    private async Task DispatchAsync()
    {
        if (state.State.Queue.Count == 0)
        {
            return;
        }

        // Count only jobs that still run: one that finished since the last tick must not hold its user's or the cluster's slot.
        var changed = await RefreshRunningAsync().ConfigureAwait(true);

        var silos = (await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(true)).Count;
        var capacity = Math.Max(1, services.Options.MaxJobsPerSilo) * Math.Max(1, silos);
        foreach (var entry in state.State.Queue.OrderBy(q => q.Rank).ThenBy(q => q.Sequence).ToList())
        {
            if (state.State.Running.Count >= capacity)
            {
                break;
            }

            if (state.State.Running.Values.Count(u => u == entry.User) >= services.Options.MaxJobsPerUser)
            {
                continue;
            }

            var status = await GrainFactory.GetGrain<IBacktestJobGrain>(entry.JobId).StartAsync().ConfigureAwait(true);
            state.State.Queue.Remove(entry);
            changed = true;
            if (status.State == JobState.Running)
            {
                state.State.Running[entry.JobId] = entry.User;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
    }
}
