using Orleans.Concurrency;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Warehouse;

/// <summary>Reads the warehouse catalog on the silo (the console never touches warehouse files).</summary>
[StatelessWorker]
public sealed class WarehouseCatalogGrain(WarehouseLayout layout, TimeProvider clock) : Grain, IWarehouseCatalogGrain
{
    public Task<IReadOnlyList<DatasetSummary>> ListDatasetsAsync()
    {
        IReadOnlyList<DatasetSummary> list = new WarehouseCatalog(layout).CurrentManifests()
            .Select(m => new DatasetSummary(m.Dataset, m.VersionId, m.PublishedAt, m.Source, m.Files.Count, m.Rows, m.Bytes))
            .ToList();
        return Task.FromResult(list);
    }

    public Task<DatasetStatus[]> GetStatusAsync()
    {
        var catalog = new WarehouseCatalog(layout);
        return Task.FromResult(catalog.CurrentManifests().Select(m =>
        {
            var newest = catalog.Newest(m);
            var held = newest.VersionId == m.VersionId ? null : newest;
            return new DatasetStatus(m.Dataset, m.VersionId, m.PublishedAt, m.PublishedBy, m.Source, m.Rows, m.Bytes, m.Validation.Count, Failed(m), held?.VersionId, held is null ? [] : Failed(held));
        }).ToArray());
    }

    /// <summary>A version's failed checks as the console shows them: <c>[rule] column: message</c>.</summary>
    internal static string[] Failed(DatasetManifest manifest) =>
        [.. manifest.Validation.Where(f => !f.Passed).Select(f => $"[{f.Rule}] {(f.Column is null ? string.Empty : f.Column + ": ")}{f.Message}")];

    public Task<SyncLogEntry[]> GetLogAsync(int limit)
    {
        if (limit is < 1 or > 1_000)
        {
            throw new ArgumentException($"limit: {limit} is not from 1 to 1,000.");
        }

        var versions = new DatasetVersions(layout, clock);
        return Task.FromResult(new WarehouseCatalog(layout).CurrentManifests()
            .SelectMany(m => versions.History(m.Dataset).Select(h => new SyncLogEntry(h.At, m.Dataset, h.Action, h.VersionId, h.By, h.Detail)))
            .OrderByDescending(e => e.At).ThenBy(e => e.Dataset, StringComparer.Ordinal)
            .Take(limit)
            .ToArray());
    }
}
