namespace Research.Data.Sync;

/// <summary>What a source will deliver for one dataset.</summary>
/// <param name="SourceQueryHash">Hash of the request (query text, options): a checkpoint is only resumed for the same hash.</param>
/// <param name="Chunks">Chunks to pull, in order.</param>
/// <param name="Watermark">Watermark after this sync (e.g. the last date delivered).</param>
/// <param name="Description">Human-readable source, recorded in the manifest.</param>
public sealed record SyncPlan(string SourceQueryHash, IReadOnlyList<SyncChunk> Chunks, string? Watermark, string Description)
{
    /// <summary>Files of the parent version (paths relative to the version, e.g. <c>date=2024-01-02/part-0.parquet</c>) that an
    /// incremental sync must not carry over: retention, or files a chunk of this plan supersedes under another name.</summary>
    public IReadOnlyList<string> Retired { get; init; } = [];
}
