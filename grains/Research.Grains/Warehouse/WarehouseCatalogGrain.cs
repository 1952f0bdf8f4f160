using Orleans.Concurrency;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Warehouse;

/// <summary>Reads the warehouse catalog on the silo (the console never touches warehouse files).</summary>
[StatelessWorker]
public sealed class WarehouseCatalogGrain(WarehouseLayout layout) : Grain, IWarehouseCatalogGrain
{
    public Task<IReadOnlyList<DatasetSummary>> ListDatasetsAsync()
    {
        IReadOnlyList<DatasetSummary> list = new WarehouseCatalog(layout).CurrentManifests()
            .Select(m => new DatasetSummary(m.Dataset, m.VersionId, m.PublishedAt, m.Source, m.Files.Count, m.Rows, m.Bytes))
            .ToList();
        return Task.FromResult(list);
    }
}
