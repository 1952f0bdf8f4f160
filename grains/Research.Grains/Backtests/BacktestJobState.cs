using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>Persisted state of a <see cref="BacktestJobGrain"/>.</summary>
[GenerateSerializer, Alias("research.backtests.BacktestJobState")]
public sealed class BacktestJobState
{
    [Id(0)]
    public JobSubmission? Submission { get; set; }

    /// <summary>The exact dataset versions the job reads (resolved once, at submission).</summary>
    [Id(1)]
    public Dictionary<string, string> DataVersions { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public BacktestJobStatus? Status { get; set; }

    /// <summary>Which activation runs the work, and until when its lease holds without renewal.</summary>
    [Id(3)]
    public string? LeaseHolder { get; set; }

    [Id(4)]
    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>Monte Carlo checkpoint: completed chunks by index (a resumed job computes only the others).</summary>
    [Id(5)]
    public Dictionary<int, MonteCarloChunkResult> Chunks { get; set; } = [];

    [Id(6)]
    public bool CancelRequested { get; set; }

    /// <summary>Walk-forward checkpoint: completed units by index.</summary>
    [Id(7)]
    public Dictionary<int, WalkForwardShardResult> Shards { get; set; } = [];

    /// <summary>Signal-sweep checkpoint: completed units by index.</summary>
    [Id(8)]
    public Dictionary<int, SignalShardResult> SignalUnits { get; set; } = [];
}
