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
