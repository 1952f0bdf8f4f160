namespace Research.Data.Warehouse;

/// <summary>One table a computation produces: a dataset name, its columns and the column arrays (equal lengths).</summary>
public sealed record DerivedTable(string Dataset, IReadOnlyList<ParquetColumnSpec> Columns, IReadOnlyList<Array> Data);

/// <summary>
/// Publishes the outputs of a computation (factor exposures, a fitted risk model) as versioned datasets, like a sync:
/// under the warehouse lock, every table is first written to staging, and only when all are written are they
/// published one after another, each carrying the same watermark (the computation's id) so that a reader can tell
/// tables of one run from a mix left by a run that stopped while publishing.
/// </summary>
public static class DerivedDatasets
{
    /// <summary>Rows per Parquet row group.</summary>
    public const int RowGroupSize = 500_000;

    public static async Task<IReadOnlyList<DatasetManifest>> PublishAsync(
        WarehouseLayout layout, TimeProvider clock, string by, string description, string watermark, IReadOnlyList<DerivedTable> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(tables);
        using var writeLock = SyncLock.Acquire(layout, string.Join(",", tables.Select(t => t.Dataset)), $"publish by {by}", clock);
        var staging = Path.Combine(layout.StagingFolder, "derived-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in tables)
            {
                WarehouseLayout.ValidateName(table.Dataset);
                var folder = Path.Combine(staging, table.Dataset.Replace('/', '_'));
                Directory.CreateDirectory(folder);
                rows[table.Dataset] = await ParquetTableWriter.WriteFileAsync(Path.Combine(folder, "part-0.parquet"), table.Columns, table.Data, RowGroupSize, cancellationToken).ConfigureAwait(false);
            }

            var publisher = new DatasetPublisher(layout, clock);
            var manifests = new List<DatasetManifest>();
            foreach (var table in tables)
            {
                var request = new PublishRequest(table.Dataset, Path.Combine(staging, table.Dataset.Replace('/', '_')),
                    new Dictionary<string, long> { ["part-0.parquet"] = rows[table.Dataset] }, [], description, by)
                {
                    Watermark = watermark,
                    SourceQueryHash = watermark,
                    Fence = writeLock,
                };
                manifests.Add(await publisher.PublishAsync(request, cancellationToken).ConfigureAwait(false));
            }

            return manifests;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The watermark all <paramref name="datasets"/> share in a session, or an error naming the mix.</summary>
    public static string RequireSameRun(WarehouseQuerySession session, IReadOnlyList<string> datasets, string rerun)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(datasets);
        var missing = datasets.Where(d => !session.Pinned.ContainsKey(d)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{string.Join(", ", missing)} not in the warehouse; run: {rerun}.");
        }

        var marks = datasets.Select(d => session.Pinned[d].Watermark ?? "?").Distinct().ToList();
        if (marks.Count != 1)
        {
            throw new InvalidOperationException(
                $"{string.Join(", ", datasets.Select(d => $"{d}@{session.Pinned[d].Watermark}"))} come from different runs (one stopped while publishing); run: {rerun}.");
        }

        return marks[0];
    }
}
