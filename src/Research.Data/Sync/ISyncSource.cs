namespace Research.Data.Sync;

/// <summary>A place datasets come from (the synthetic market, WRDS, local files, ...).</summary>
public interface ISyncSource
{
    /// <summary>Short name: <c>synthetic</c>, <c>wrds</c>, <c>files</c>.</summary>
    string Name { get; }

    /// <summary>Datasets this source can deliver.</summary>
    IReadOnlyList<string> Datasets { get; }

    /// <summary>Plans the chunks of a dataset. For an incremental sync, <paramref name="sinceWatermark"/> is the parent's watermark.</summary>
    Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken);

    /// <summary>Writes one chunk as a complete Parquet file at <paramref name="path"/>; returns its row count.
    /// Throws <see cref="TransientSourceException"/> for errors worth retrying.</summary>
    Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken);
}

/// <summary>
/// A source that can deliver several chunks from one request (one query streamed and split into files), which is
/// much cheaper than one request per chunk when each request costs a server-side scan. The sync manager hands it
/// the chunks still to pull; the source writes them in order and reports each completed file before going on, so
/// a failure mid-stream keeps every chunk already reported.
/// </summary>
public interface IStreamingSyncSource : ISyncSource
{
    /// <summary>Writes <paramref name="chunks"/> (in plan order) to <paramref name="pathFor"/>(chunk), awaiting
    /// <paramref name="chunkWritten"/>(chunk, rows) after each. Throws <see cref="TransientSourceException"/> for errors worth retrying.</summary>
    Task WriteChunksAsync(string dataset, IReadOnlyList<SyncChunk> chunks, Func<SyncChunk, string> pathFor, Func<SyncChunk, long, Task> chunkWritten, CancellationToken cancellationToken);
}
