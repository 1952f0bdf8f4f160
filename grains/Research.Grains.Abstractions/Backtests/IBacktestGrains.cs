using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Backtests;

/// <summary>
/// The cluster's backtest queue (key <see cref="Key"/>). Submit returns at once with the job's id and status; the job is
/// the same for the same spec on the same data versions. The scheduler starts queued jobs by priority (high, normal,
/// low; first come first served within one) while the cluster has capacity (jobs per silo) and the user is under their
/// limit.
/// </summary>
[Alias("research.backtests.scheduler")]
public interface IBacktestSchedulerGrain : IGrainWithStringKey
{
    const string Key = "backtests";

    [Alias("submit")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<BacktestJobStatus> SubmitAsync(JobSubmission submission);

    /// <summary>The newest jobs first (queued, running and finished), at most <paramref name="limit"/>.</summary>
    [Alias("list")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<IReadOnlyList<BacktestJobStatus>> ListAsync(int limit);

    /// <summary>Pins or stars a stored result (null leaves a flag as it is); false when no result has that id.</summary>
    [Alias("flags")]
    [RequiresAction(ResearchActions.BacktestFlag)]
    Task<bool> SetFlagsAsync(string jobId, bool? pinned, bool? starred);

    /// <summary>
    /// Retention: keeps the newest <paramref name="keepLatest"/> results and all younger than <paramref name="maxAgeDays"/>;
    /// deletes the rest (row and series) unless pinned or starred.
    /// </summary>
    [Alias("retention")]
    [RequiresAction(ResearchActions.BacktestPrune)]
    Task<RetentionReport> ApplyRetentionAsync(int keepLatest, int maxAgeDays);
}

/// <summary>What a retention run deleted and kept.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.RetentionReport")]
public sealed record RetentionReport(
    [property: Id(0)] IReadOnlyList<string> Deleted,
    [property: Id(1)] int KeptPinnedOrStarred,
    [property: Id(2)] int KeptRecent);

/// <summary>
/// One job (key = job id). Every call returns within moments: the work runs in the background of the activation, and
/// its progress is persisted every tick, so a poller that reconnects sees where it is, and a job whose silo died is
/// resumed by the next activation (backtests rerun; Monte Carlo resumes from its completed chunks).
/// </summary>
[Alias("research.backtests.job")]
public interface IBacktestJobGrain : IGrainWithStringKey
{
    /// <summary>Records the job (idempotent: a second call with the same job returns its status).</summary>
    [Alias("initialise")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<BacktestJobStatus> InitialiseAsync(JobSubmission submission, IReadOnlyDictionary<string, string> dataVersions);

    /// <summary>Called by the scheduler: starts a queued job.</summary>
    [Alias("start")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<BacktestJobStatus> StartAsync();

    [Alias("status")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<BacktestJobStatus> GetStatusAsync();

    /// <summary>Stops a queued or running job; the work observes the cancellation within a session of the engine or a chunk.</summary>
    [Alias("cancel")]
    [RequiresAction(ResearchActions.BacktestCancel)]
    Task<BacktestJobStatus> CancelAsync(string requestedBy);

    /// <summary>The stored result of a succeeded job; null before.</summary>
    [Alias("result")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<BacktestJobResult?> GetResultAsync();

    /// <summary>What was submitted: the settings the job runs with (null for an unknown job).</summary>
    [Alias("submission")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task<JobSubmission?> GetSubmissionAsync();

    /// <summary>Progress pushed to <paramref name="observer"/> on every change until the job finishes (resubscribe within a minute).</summary>
    [Alias("subscribe")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task SubscribeAsync(IBacktestJobObserver observer);

    /// <summary>Stops pushing to <paramref name="observer"/>.</summary>
    [Alias("unsubscribe")]
    [RequiresAction(ResearchActions.BacktestView)]
    Task UnsubscribeAsync(IBacktestJobObserver observer);
}

/// <summary>Receives a job's status as it changes.</summary>
[Alias("research.backtests.observer")]
public interface IBacktestJobObserver : IGrainObserver
{
    [Alias("changed")]
    void OnStatusChanged(BacktestJobStatus status);
}

/// <summary>
/// Computes one chunk of a Monte Carlo job (key = "job id/chunk index"); placed anywhere in the cluster. Stateless in
/// effect: the answer depends only on the request, so a chunk lost with its silo is simply asked again.
/// </summary>
[Alias("research.backtests.montecarlochunk")]
public interface IMonteCarloChunkGrain : IGrainWithStringKey
{
    [Alias("run")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<MonteCarloChunkResult> RunAsync(MonteCarloChunkRequest request);
}

/// <summary>
/// Runs one unit of a signal sweep (key = "job id/unit") where it is placed: the silo loads the job's panel once (cached
/// for the job's next units) and evaluates the unit's variants; the answer depends only on the request.
/// </summary>
[Alias("research.backtests.signalshard")]
public interface ISignalShardGrain : IGrainWithStringKey
{
    [Alias("run")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<SignalShardResult> RunAsync(SignalShardRequest request);
}

/// <summary>
/// Runs one unit of a walk-forward job (key = "job id/unit") where it is placed. The silo loads the job's data and
/// exposures once (cached for the next units of the same job); the answer depends only on the request.
/// </summary>
[Alias("research.backtests.walkforwardshard")]
public interface IWalkForwardShardGrain : IGrainWithStringKey
{
    [Alias("run")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<WalkForwardShardResult> RunAsync(WalkForwardShardRequest request);

    /// <summary>How many units the job has (loads the plan on this silo).</summary>
    [Alias("units")]
    [RequiresAction(ResearchActions.BacktestSubmit)]
    Task<int> CountUnitsAsync(WalkForwardShardRequest request);
}
