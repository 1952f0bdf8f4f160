using System.Globalization;
using Research.Data.Synthetic;

namespace Research.Data.Warehouse;

/// <summary>
/// Seeds an empty warehouse with the synthetic market so that a fresh install has data to show. Each
/// generated dataset is published as the first version of that dataset, through <see cref="DatasetPublisher"/>.
/// </summary>
public sealed class DemoWarehouseSeeder(WarehouseLayout layout, TimeProvider clock)
{
    /// <summary>Demo market: small enough to generate in seconds on a laptop.</summary>
    public static SyntheticMarketOptions DemoOptions { get; } = new() { Stocks = 500, Years = 5, Seed = 42, IntradaySymbols = 3, IntradayDays = 2 };

    /// <summary>True when no dataset has been published under the root yet.</summary>
    public bool IsEmpty => new WarehouseCatalog(layout).CurrentManifests().Count == 0;

    /// <summary>Generates the demo market and publishes every dataset; returns the manifests.</summary>
    public async Task<IReadOnlyList<DatasetManifest>> SeedAsync(SyntheticMarketOptions options, IProgress<SyntheticMarketProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var staging = Path.Combine(layout.StagingFolder, "synthetic-" + clock.GetUtcNow().ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture));
        try
        {
            var result = await SyntheticMarketGenerator.GenerateAsync(options, staging, progress, cancellationToken).ConfigureAwait(false);
            var publisher = new DatasetPublisher(layout, clock);
            var source = string.Create(CultureInfo.InvariantCulture, $"synthetic(seed={options.Seed}, stocks={options.Stocks}, years={options.Years}, end={options.EndYear}, model={SyntheticMarketGenerator.ModelVersion})");
            var manifests = new List<DatasetManifest>();
            foreach (var group in result.Files.GroupBy(f => f.Dataset))
            {
                var datasetFolder = Path.Combine(staging, group.Key.Replace('/', Path.DirectorySeparatorChar));
                var files = group.Where(f => f.RelativePath.EndsWith(".parquet", StringComparison.Ordinal))
                    .ToDictionary(f => f.RelativePath[(group.Key.Length + 1)..], f => f.Rows);
                if (files.Count == 0)
                {
                    continue;
                }

                manifests.Add(await publisher.PublishAsync(group.Key, datasetFolder, files, source, "research up (demo seed)", cancellationToken).ConfigureAwait(false));
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
}
