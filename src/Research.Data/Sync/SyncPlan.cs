namespace Research.Data.Sync;

/// <summary>What a source will deliver for one dataset.</summary>
/// <param name="SourceQueryHash">Hash of the request (query text, options): a checkpoint is only resumed for the same hash.</param>
/// <param name="Chunks">Chunks to pull, in order.</param>
/// <param name="Watermark">Watermark after this sync (e.g. the last date delivered).</param>
/// <param name="Description">Human-readable source, recorded in the manifest.</param>
public sealed record SyncPlan(string SourceQueryHash, IReadOnlyList<SyncChunk> Chunks, string? Watermark, string Description);
