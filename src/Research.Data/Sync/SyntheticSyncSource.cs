using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Data.Synthetic;
using Research.Data.Warehouse;

namespace Research.Data.Sync;

/// <summary>
/// The synthetic market as a sync source. The market for the configured options is generated once into a
/// cache under the staging area (atomically: generated elsewhere, then renamed) and each dataset's partition
/// files are the chunks. Same options, same bytes: a resumed sync publishes exactly what an uninterrupted
/// one would.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The SemaphoreSlim is an async lock whose wait handle is never read, so it holds nothing to release.")]
public sealed class SyntheticSyncSource(WarehouseLayout layout, SyntheticMarketOptions options) : ISyncSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Name => "synthetic";

    public IReadOnlyList<string> Datasets { get; } =
    [
        "crsp/daily", "crsp/names", "crsp/delisting", "compustat/annual", "compustat/quarterly", "ccm/links",
        "famafrench/factors_daily", "famafrench/factors5_daily", "taq/trades", "taq/quotes",
        "truth/factor_returns", "truth/exposures", "truth/specific_risk", "truth/alpha", "truth/earnings",
    ];

    public string OptionsHash { get; } = Hash(options);

    private string CacheFolder => Path.Combine(layout.StagingFolder, "synthetic-cache", OptionsHash);

    /// <summary>Where the generated files of <paramref name="dataset"/> are (after <see cref="EnsureGeneratedAsync"/>).</summary>
    public string GeneratedFolder(string dataset) => Path.Combine(CacheFolder, dataset.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Generates the market into the cache if it is not there yet.</summary>
    public async Task EnsureGeneratedAsync(IProgress<SyntheticMarketProgress>? progress, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(Path.Combine(CacheFolder, "truth", "model.json")))
            {
                return;
            }

            var temp = CacheFolder + ".tmp-" + Environment.ProcessId;
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            await SyntheticMarketGenerator.GenerateAsync(options, temp, progress, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(CacheFolder))
            {
                Directory.Delete(CacheFolder, recursive: true);
            }

            Directory.Move(temp, CacheFolder);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        await EnsureGeneratedAsync(null, cancellationToken).ConfigureAwait(false);
        var folder = Path.Combine(CacheFolder, dataset.Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"The synthetic market has no dataset '{dataset}'.", nameof(dataset));
        }

        var chunks = new List<SyncChunk>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            var id = relative.Contains('/', StringComparison.Ordinal) ? relative[..relative.IndexOf('/', StringComparison.Ordinal)] : "all";
            if (mode == SyncMode.Incremental && sinceWatermark is not null && string.CompareOrdinal(id, sinceWatermark) < 0 && id != "all")
            {
                continue;
            }

            chunks.Add(new SyncChunk(id, relative, await CountRowsAsync(file, cancellationToken).ConfigureAwait(false)));
        }

        var watermark = chunks.Select(c => c.Id).Where(i => i != "all").DefaultIfEmpty(null).Max(StringComparer.Ordinal);
        var description = string.Create(CultureInfo.InvariantCulture, $"synthetic(seed={options.Seed}, stocks={options.Stocks}, years={options.Years}, end={options.EndYear}, model={SyntheticMarketGenerator.ModelVersion})");
        return new SyncPlan(OptionsHash, chunks, watermark, description);
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var source = Path.Combine(CacheFolder, dataset.Replace('/', Path.DirectorySeparatorChar), chunk.RelativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var input = File.OpenRead(source);
        await using (input.ConfigureAwait(false))
        {
            var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            await using (output.ConfigureAwait(false))
            {
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }
        }

        return chunk.ExpectedRows;
    }

    private static async Task<long> CountRowsAsync(string file, CancellationToken cancellationToken)
    {
        var reader = await Parquet.ParquetReader.CreateAsync(file, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return Enumerable.Range(0, reader.RowGroupCount).Sum(i => reader.OpenRowGroupReader(i).RowCount);
        }
    }

    private static string Hash(SyntheticMarketOptions o)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"synthetic|{SyntheticMarketGenerator.ModelVersion}|{o.Stocks}|{o.Years}|{o.EndYear}|{o.Seed}|{o.AlphaIc}|{o.AlphaPersistence}|{o.IntradaySymbols}|{o.IntradayDays}{(o.IntradayTradeSize == 200 ? string.Empty : "|" + o.IntradayTradeSize)}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
