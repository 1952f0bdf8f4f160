using Research.Data.Quality;
using Research.Data.Warehouse;

namespace Research.Data.Sync;

/// <summary>What a sync did.</summary>
/// <param name="Dataset">Dataset synced.</param>
/// <param name="Manifest">The version written (published, or quarantined when validation failed).</param>
/// <param name="Validation">Validation report.</param>
/// <param name="ChunksPulled">Chunks pulled from the source in this run.</param>
/// <param name="ChunksResumed">Chunks reused from a checkpoint of an interrupted run.</param>
/// <param name="FilesShared">Files referenced from the parent version because they did not change.</param>
public sealed record SyncOutcome(string Dataset, DatasetManifest Manifest, ValidationReport Validation, int ChunksPulled, int ChunksResumed, int FilesShared)
{
    public bool Published => Manifest.Status == DatasetManifest.Published;

    /// <summary>The stale warehouse lock this sync recovered before it could start, or null (the caller audits it).</summary>
    public string? LockRecovered { get; init; }
}

/// <summary>Progress of a sync.</summary>
public sealed record SyncProgress(string Dataset, string Stage, double Fraction);
