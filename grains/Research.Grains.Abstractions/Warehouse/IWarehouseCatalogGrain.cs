using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Warehouse;

/// <summary>Lists the datasets in the warehouse and their current versions (reads manifests only).</summary>
[Alias("research.warehouse.catalog")]
public interface IWarehouseCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Every dataset with a current version, ordered by name.</summary>
    [Alias("list")]
    Task<IReadOnlyList<DatasetSummary>> ListDatasetsAsync();

    /// <summary>Every dataset with its current version, failed checks and a newer version validation held back, ordered by name.</summary>
    [Alias("status")]
    [RequiresAction(ResearchActions.OverviewView)]
    Task<DatasetStatus[]> GetStatusAsync();

    /// <summary>The sync log: every dataset's history entries, newest first, at most <paramref name="limit"/> (1 to 1,000).</summary>
    [Alias("log")]
    [RequiresAction(ResearchActions.OverviewView)]
    Task<SyncLogEntry[]> GetLogAsync(int limit);
}
