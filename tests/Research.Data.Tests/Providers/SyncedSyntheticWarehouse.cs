using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Tests.Warehouse;

namespace Research.Data.Tests.Providers;

/// <summary>A test warehouse with some datasets synced from a small synthetic market, and the market's own files for cross-checks.</summary>
internal sealed class SyncedSyntheticWarehouse : IDisposable
{
    private SyncedSyntheticWarehouse(TestWarehouse warehouse, SyntheticSyncSource source)
    {
        Warehouse = warehouse;
        Source = source;
    }

    public TestWarehouse Warehouse { get; }

    public SyntheticSyncSource Source { get; }

    /// <summary>Folder of the generated market the datasets were synced from (the truth to compare with).</summary>
    public string Market => Path.Combine(Warehouse.Layout.StagingFolder, "synthetic-cache", Source.OptionsHash);

    public static async Task<SyncedSyntheticWarehouse> CreateAsync(SyntheticMarketOptions options, params string[] datasets)
    {
        var warehouse = new TestWarehouse();
        var source = new SyntheticSyncSource(warehouse.Layout, options);
        var manager = new SyncManager(warehouse.Layout, warehouse.Clock);
        foreach (var dataset in datasets)
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests");
        }

        return new SyncedSyntheticWarehouse(warehouse, source);
    }

    public void Dispose() => Warehouse.Dispose();
}
