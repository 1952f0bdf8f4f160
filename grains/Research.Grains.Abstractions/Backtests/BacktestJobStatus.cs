namespace Research.Grains.Abstractions.Backtests;

/// <summary>A job as pollers and subscribers see it.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.BacktestJobStatus")]
public sealed record BacktestJobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobKind Kind,
    [property: Id(2)] string Label,
    [property: Id(3)] JobState State,
    [property: Id(4)] string Stage,
    [property: Id(5)] double Fraction,
    [property: Id(6)] JobPriority Priority,
    [property: Id(7)] string RequestedBy,
    [property: Id(8)] DateTimeOffset? SubmittedAt,
    [property: Id(9)] DateTimeOffset? StartedAt,
    [property: Id(10)] DateTimeOffset? FinishedAt,
    [property: Id(11)] string? Error,
    [property: Id(12)] string? Silo,
    [property: Id(13)] int Attempts)
{
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    public static BacktestJobStatus Unknown(string jobId) => new(jobId, JobKind.None, string.Empty, JobState.None, string.Empty, 0, JobPriority.Normal, string.Empty, null, null, null, null, null, 0);
}

/// <summary>A finished job's stored result: metrics as canonical JSON (equal metrics, equal bytes; for scripts and hashing) and as labelled lines (for pages), and where its series are.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.BacktestJobResult")]
public sealed record BacktestJobResult(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobKind Kind,
    [property: Id(2)] string Label,
    [property: Id(3)] string MetricsJson,
    [property: Id(4)] string MetricsSha256,
    [property: Id(5)] IReadOnlyDictionary<string, string> DataVersions,
    [property: Id(6)] string SeriesFolder,
    [property: Id(7)] string SeriesSha256,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] bool Pinned,
    [property: Id(10)] bool Starred,
    [property: Id(11)] IReadOnlyList<ResultMetric> Metrics);

/// <summary>A Monte Carlo chunk's work: paths [First, First + Count) of the spec over the given returns (and, for the trade bootstrap, the indexes where holding periods start).</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.MonteCarloChunkRequest")]
public sealed record MonteCarloChunkRequest(
    [property: Id(0)] double[] Returns,
    [property: Id(1)] MonteCarloJobSpec Spec,
    [property: Id(2)] int First,
    [property: Id(3)] int Count,
    [property: Id(4)] int[]? PeriodStarts = null);

/// <summary>The metrics of a chunk's paths, column-wise (path i is <c>First + i</c>), and the silo that computed them.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.MonteCarloChunkResult")]
public sealed record MonteCarloChunkResult(
    [property: Id(0)] int First,
    [property: Id(1)] double[] Sharpe,
    [property: Id(2)] double[] Cagr,
    [property: Id(3)] double[] MaxDrawdown,
    [property: Id(4)] double[] TerminalWealth,
    [property: Id(5)] string Silo);

/// <summary>One unit of a signal sweep: variants <c>Unit</c> x the unit size on.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.SignalShardRequest")]
public sealed record SignalShardRequest(
    [property: Id(0)] SignalSweepJobSpec Spec,
    [property: Id(1)] Dictionary<string, string> DataVersions,
    [property: Id(2)] int Unit,
    [property: Id(3)] string JobId);

/// <summary>What a signal-sweep unit produced: its variants' outcomes as the library's JSON (<c>SweepVariant</c> list), and the silo.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.SignalShardResult")]
public sealed record SignalShardResult([property: Id(0)] int Unit, [property: Id(1)] string VariantsJson, [property: Id(2)] string Silo);

/// <summary>One unit of a walk-forward job: window <c>Unit</c> (Unit &lt; windows) or a grid point's full-period run.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.WalkForwardShardRequest")]
public sealed record WalkForwardShardRequest(
    [property: Id(0)] WalkForwardJobSpec Spec,
    [property: Id(1)] Dictionary<string, string> DataVersions,
    [property: Id(2)] int Unit,
    [property: Id(3)] string JobId);

/// <summary>What a unit produced: for a window its choice and scores and the out-of-sample returns; for a grid point its full-period returns.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.WalkForwardShardResult")]
public sealed record WalkForwardShardResult(
    [property: Id(0)] int Unit,
    [property: Id(1)] string? Chosen,
    [property: Id(2)] double InSampleMetric,
    [property: Id(3)] double OutOfSampleMetric,
    [property: Id(4)] double InSampleAnnualReturn,
    [property: Id(5)] double OutOfSampleAnnualReturn,
    [property: Id(6)] int[] Window,
    [property: Id(7)] DateOnly[] Dates,
    [property: Id(8)] double[] Returns,
    [property: Id(9)] string Silo);
