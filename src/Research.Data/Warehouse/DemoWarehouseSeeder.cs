using Research.Data.Sync;
using Research.Data.Synthetic;

namespace Research.Data.Warehouse;

/// <summary>
/// Seeds an empty warehouse with the synthetic market so that a fresh install has data to show. The demo
/// arrives through the same path as real data: a full sync of every dataset from the synthetic source
/// (lock, staging, validation, publish).
/// </summary>
public sealed class DemoWarehouseSeeder(WarehouseLayout layout, TimeProvider clock)
{
    /// <summary>Demo market: small enough to generate in seconds on a laptop.</summary>
    public static SyntheticMarketOptions DemoOptions { get; } = new() { Stocks = 500, Years = 5, Seed = 42, IntradaySymbols = 3, IntradayDays = 2 };

    /// <summary>True when no dataset has been published under the root yet.</summary>
    public bool IsEmpty => new WarehouseCatalog(layout).CurrentManifests().Count == 0;

    /// <summary>Generates the demo market and syncs every dataset; returns the manifests.</summary>
    public async Task<IReadOnlyList<DatasetManifest>> SeedAsync(SyntheticMarketOptions options, IProgress<SyntheticMarketProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = new SyntheticSyncSource(layout, options);
        await source.EnsureGeneratedAsync(
            progress is null ? null : new InlineProgress<SyntheticMarketProgress>(p => progress.Report(p with { Fraction = 0.8 * p.Fraction })),
            cancellationToken).ConfigureAwait(false);
        var manager = new SyncManager(layout, clock);
        var manifests = new List<DatasetManifest>();
        for (var i = 0; i < source.Datasets.Count; i++)
        {
            var dataset = source.Datasets[i];
            progress?.Report(new SyntheticMarketProgress($"Syncing {dataset}", 0.8 + (0.2 * i / source.Datasets.Count)));
            var outcome = await manager.SyncAsync(dataset, SyncMode.Full, source, "research up (demo seed)", cancellationToken: cancellationToken).ConfigureAwait(false);
            manifests.Add(outcome.Manifest);
        }

        return manifests;
    }
}
