using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Research.Core.Calendars;
using Research.Data.Fetching;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Etl;

/// <summary>
/// The historical ETL into <c>prices/daily</c> (any chain) or <c>yahoo/daily</c> (Yahoo then its cache):
/// 1. Extract: every symbol through the <see cref="MarketDataFetcher"/> (warm caches answer without a request); a symbol
///    no provider serves stops the run before anything is published, unless a partial load is allowed (then it is
///    reported and left out; its rows come in a later run, since new rows are found per symbol).
/// 2. Transform: keep NYSE sessions only (bars on other days are dropped and counted; dates before 1963, where the
///    calendar is not exact, are kept), with the provider of each row.
/// 3. Decide: rows the current version lacks are new (<see cref="PriceTableSyncSource"/>); an incremental run with none
///    publishes nothing.
/// 4. Validate and load through the <see cref="SyncManager"/> (write lock, the dataset's quality contract, a new immutable
///    version or a quarantined one, never half-published); the manifest names the sources and carries the data's warnings.
/// 5. Record the run in <c>.research/etl/&lt;dataset&gt;.json</c> (last run, outcome, watermark) for <c>research etl status</c>.
/// The DuckDB views <c>prices.daily</c> and <c>yahoo.daily</c> read the current version like every dataset.
/// </summary>
public sealed class HistoricalEtl(WarehouseLayout layout, MarketDataFetcher fetcher, TimeProvider clock, ILogger? logger = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Symbols fetched at once.</summary>
    public int Parallelism { get; init; } = 4;

    public async Task<EtlOutcome> RunAsync(EtlRequest request, string by, IProgress<(string Stage, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EtlRequest.Datasets.Contains(request.Dataset))
        {
            throw new ArgumentException($"The ETL loads {string.Join(" or ", EtlRequest.Datasets)}, not '{request.Dataset}'.", nameof(request));
        }

        if (request.Symbols.Count == 0)
        {
            throw new ArgumentException("The ETL needs at least one symbol.", nameof(request));
        }

        if (request.Dataset == "yahoo/daily" && fetcher.Chain.FirstOrDefault(p => p.Name is not ("yahoo" or "cache")) is { } other)
        {
            throw new ArgumentException($"yahoo/daily is loaded from Yahoo and its cache only, not from {other.Name}; use prices/daily for a mixed chain.", nameof(request));
        }

        var started = clock.GetUtcNow();
        try
        {
            var outcome = await RunCoreAsync(request, by, progress, cancellationToken).ConfigureAwait(false);
            await RecordAsync(new EtlRunRecord(request.Dataset, started, clock.GetUtcNow(), outcome.Published is null ? "nothing new" : "published", outcome.Published,
                outcome.NewRows, outcome.Watermark, request.Symbols.Count, outcome.Failed.Count, null), cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RecordAsync(new EtlRunRecord(request.Dataset, started, clock.GetUtcNow(), "failed", null, 0, null, request.Symbols.Count, 0, e.Message), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The last run of each ETL dataset that has one.</summary>
    public static IReadOnlyList<EtlRunRecord> LastRuns(WarehouseLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var folder = RunFolder(layout);
        return !Directory.Exists(folder)
            ? []
            : [.. Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(f => JsonSerializer.Deserialize<EtlRunRecord>(File.ReadAllText(f), Json)).OfType<EtlRunRecord>()];
    }

    private async Task<EtlOutcome> RunCoreAsync(EtlRequest request, string by, IProgress<(string Stage, double Fraction)>? progress, CancellationToken cancellationToken)
    {
        var (fetched, failed) = await fetcher.FetchManyAsync(request.Symbols, request.From, request.To,
            new InlineProgress<(int Done, int Total)>(p => progress?.Report(($"extract {p.Done}/{p.Total}", 0.6 * p.Done / p.Total))), Parallelism, cancellationToken).ConfigureAwait(false);
        foreach (var (symbol, reason) in failed)
        {
            _logger.LogWarning("ETL {Dataset}: {Symbol} left out: {Reason}", request.Dataset, symbol, reason);
        }

        if (failed.Count > 0 && !request.AllowPartial)
        {
            throw new InvalidOperationException($"ETL {request.Dataset}: {failed.Count} of {request.Symbols.Count} symbol(s) could not be fetched, so nothing was published (allow a partial load to publish the others): {string.Join(" ", failed.Select(f => f.Reason))}");
        }

        if (fetched.Count == 0)
        {
            throw new InvalidOperationException($"ETL {request.Dataset}: no symbol could be fetched; nothing was loaded. {string.Join(" ", failed.Select(f => f.Reason))}");
        }

        progress?.Report(("transform", 0.62));
        var table = new PriceTable(fetched.Sum(f => f.Bars.Count));
        var dropped = 0;
        foreach (var prices in fetched)
        {
            foreach (var bar in prices.Bars)
            {
                if (bar.Bar.Date >= NyseCalendar.ExactFrom && !NyseCalendar.Instance.IsSession(bar.Bar.Date))
                {
                    dropped++;
                    continue;
                }

                table.Add(prices.Symbol, prices.Currency, bar);
            }
        }

        var warnings = fetched.SelectMany(f => f.Warnings).Distinct().ToList();
        var sources = fetched.ToDictionary(f => f.Symbol, f => f.Sources, StringComparer.Ordinal);
        var description = Describe(request, fetched, warnings);
        progress?.Report(("decide", 0.66));
        var newRows = PriceTableSyncSource.CountNewRows(layout, request.Dataset, table);
        progress?.Report(("decided", 0.67));
        var current = new WarehouseCatalog(layout).ReadCurrent(request.Dataset);
        if (!request.Full && current is not null && newRows == 0)
        {
            _logger.LogInformation("ETL {Dataset}: nothing new after {Watermark}; nothing published", request.Dataset, current.Watermark);
            return new EtlOutcome(request.Dataset, null, current.Rows, 0, dropped, current.Watermark, failed, sources, warnings);
        }

        progress?.Report(("load", 0.68));
        var source = new PriceTableSyncSource(layout, request.Dataset, table, description);
        var sync = await new SyncManager(layout, clock, _logger).SyncAsync(request.Dataset, request.Full || current is null ? SyncMode.Full : SyncMode.Incremental, source, by,
            new InlineProgress<SyncProgress>(p => progress?.Report(($"load: {p.Stage}", 0.7 + (0.3 * p.Fraction)))), cancellationToken).ConfigureAwait(false);
        return new EtlOutcome(request.Dataset, sync.Manifest.VersionId, sync.Manifest.Rows, source.NewRows, dropped, sync.Manifest.Watermark, failed, sources, warnings);
    }

    private static string Describe(EtlRequest request, IReadOnlyList<FetchedPrices> fetched, List<string> warnings)
    {
        var bySource = fetched.SelectMany(f => f.Sources).GroupBy(s => s.Source).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(s => s.Bars):N0} rows"));
        var text = string.Create(CultureInfo.InvariantCulture, $"etl {request.From:yyyy-MM-dd}..{request.To:yyyy-MM-dd}, {fetched.Count} symbol(s) ({string.Join(", ", bySource)})");
        return warnings.Count == 0 ? text : $"{text}. WARNING: {string.Join(" ", warnings.Where(w => YahooWarning(w)))}".TrimEnd();
    }

    private static bool YahooWarning(string warning) => warning.StartsWith("Yahoo", StringComparison.Ordinal);

    private async Task RecordAsync(EtlRunRecord record, CancellationToken cancellationToken)
    {
        var folder = RunFolder(layout);
        Directory.CreateDirectory(folder);
        await DurableFile.WriteAsync(Path.Combine(folder, record.Dataset.Replace('/', '_') + ".json"), JsonSerializer.Serialize(record, Json), cancellationToken).ConfigureAwait(false);
    }

    private static string RunFolder(WarehouseLayout layout) => Path.Combine(layout.Root, ".research", "etl");
}
