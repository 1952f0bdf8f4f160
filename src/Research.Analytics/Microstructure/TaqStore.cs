using System.Globalization;
using Research.Data.Providers.Wrds;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Analytics.Microstructure;

/// <summary>One day of a TAQ pull as estimated before it runs: raw rows on the server (before cleaning) and how they were found.</summary>
/// <param name="Basis">"table statistics" (PostgreSQL's pg_class.reltuples, no scan) or "count" (an exact count of the symbols' rows).</param>
public sealed record TaqDayEstimate(DateOnly Date, long Trades, long Quotes, string Basis);

/// <summary>
/// The estimate shown before a TAQ pull: rows, bytes over the network (binary COPY), bytes on disk (Parquet) and the expected
/// time at the assumed transfer rate; the limit it is held to and the disk space free for it.
/// </summary>
public sealed record TaqEstimate(IReadOnlyList<TaqDayEstimate> Days, long Rows, long TransferBytes, long DiskBytes, TimeSpan ExpectedTime, long MaxRows, long FreeBytes)
{
    /// <summary>Disk a sync needs: the staged files and the published version (staging is renamed, but a resumed sync may hold both), plus tier 1.</summary>
    public long RequiredDiskBytes => 2 * DiskBytes;

    public bool OverLimit => Rows > MaxRows;

    public bool FitsOnDisk => RequiredDiskBytes <= FreeBytes;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Days.Count} day(s), ~{Rows:N0} rows before cleaning ({Days.Sum(d => d.Trades):N0} trades, {Days.Sum(d => d.Quotes):N0} NBBO quotes; {string.Join(", ", Days.Select(d => d.Basis).Distinct())}), " +
        $"~{TransferBytes / 1048576.0:N1} MiB to transfer, ~{DiskBytes / 1048576.0:N1} MiB on disk, {(ExpectedTime.TotalSeconds < 1 ? "under a second" : $"about {ExpectedTime.TotalSeconds:N0} s")}; limit {MaxRows:N0} rows, {FreeBytes / 1073741824.0:N1} GiB free");
}

/// <summary>Where a symbol-day's ticks are: in a whole day of tier 3, in an on-demand file, or not local.</summary>
public sealed record TaqCoverage(IReadOnlySet<DateOnly> WholeDays, IReadOnlySet<(DateOnly Date, string Symbol)> SymbolDays, IReadOnlySet<DateOnly> Tier1Days)
{
    public bool Has(DateOnly date, string symbol) => WholeDays.Contains(date) || SymbolDays.Contains((date, symbol));
}

/// <summary>
/// The TAQ storage tiers and the one way in to them: tier 1 (aggregates of every day synced: <see cref="TaqAggregates"/>),
/// tier 2 (WRDS, queried on demand through the real client) and tier 3 (ticks of sample days, <c>taq/trades</c> and
/// <c>taq/quotes</c>, with a retention of days). A pull is estimated first (<see cref="EstimateAsync"/>: rows from the tables'
/// statistics or a count, bytes and time), refused above a row limit unless forced, and checked against the disk space
/// free; what it pulls is cached as tier 3 (and whole days also become tier 1).
/// </summary>
public sealed class TaqStore(WarehouseLayout layout, TimeProvider clock)
{
    /// <summary>Bytes per row over the network in binary COPY (field lengths included): trades, NBBO quotes.</summary>
    public const int TransferBytesPerTrade = 50, TransferBytesPerQuote = 70;

    /// <summary>Bytes per row in the warehouse's Parquet, on the high side (the synthetic market's ticks take about 4.4).</summary>
    public const int DiskBytesPerTrade = 10, DiskBytesPerQuote = 12;

    /// <summary>Default refusal limit of one pull, in rows before cleaning.</summary>
    public const long DefaultMaxRows = 50_000_000;

    /// <summary>Default assumed transfer rate from WRDS, MiB per second.</summary>
    public const double DefaultMegabytesPerSecond = 20;

    public WarehouseLayout Layout => layout;

    /// <summary>What tiers 1 and 3 hold now.</summary>
    public TaqCoverage Coverage()
    {
        var catalog = new WarehouseCatalog(layout);
        var whole = new HashSet<DateOnly>();
        var symbolDays = new HashSet<(DateOnly, string)>();
        var trades = catalog.ReadCurrent(WrdsTaqSource.Trades);
        var quotes = catalog.ReadCurrent(WrdsTaqSource.Quotes);
        if (trades is not null && quotes is not null)
        {
            var quoted = quotes.Files.Select(f => (WrdsTaqSource.DayOf(f.Path), WrdsTaqSource.SymbolOf(f.Path))).ToHashSet();
            foreach (var file in trades.Files)
            {
                if (WrdsTaqSource.DayOf(file.Path) is not { } day || !quoted.Contains((day, WrdsTaqSource.SymbolOf(file.Path))))
                {
                    continue;
                }

                if (WrdsTaqSource.SymbolOf(file.Path) is { } symbol)
                {
                    symbolDays.Add((day, symbol));
                }
                else
                {
                    whole.Add(day);
                }
            }
        }

        var tier1 = catalog.ReadCurrent(TaqAggregates.Bars)?.Files.Select(f => WrdsTaqSource.DayOf(f.Path)).OfType<DateOnly>().ToHashSet() ?? [];
        return new TaqCoverage(whole, symbolDays, tier1);
    }

    /// <summary>The estimate of a pull (no rows are read: table statistics, or an indexed count when symbols are named).</summary>
    public async Task<TaqEstimate> EstimateAsync(WrdsClient client, TaqPull pull, long maxRows, double megabytesPerSecond, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(pull);
        var days = new List<TaqDayEstimate>();
        foreach (var day in pull.Days.Distinct().Order())
        {
            await client.EnsureReadableAsync(WrdsTaq.Trades(day), cancellationToken).ConfigureAwait(false);
            await client.EnsureReadableAsync(WrdsTaq.Nbbo(day), cancellationToken).ConfigureAwait(false);
            if (pull.Symbols is null)
            {
                var row = (await client.QueryAsync(WrdsTaq.StatisticsSql(day), $"TAQ statistics of {day:yyyy-MM-dd}", cancellationToken).ConfigureAwait(false))[0];
                var (trades, quotes) = (Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
                if (trades >= 0 && quotes >= 0)
                {
                    days.Add(new TaqDayEstimate(day, trades, quotes, "table statistics"));
                    continue;
                }
            }

            var filter = pull.Symbols is null ? string.Empty : $" WHERE sym_root IN ({string.Join(", ", pull.Symbols.Select(s => $"'{WrdsTaq.SymbolRoot(s)}'"))})";
            var counts = (await client.QueryAsync($"SELECT (SELECT count(*) FROM {WrdsTaq.Trades(day)}{filter}), (SELECT count(*) FROM {WrdsTaq.Nbbo(day)}{filter})",
                $"TAQ count of {day:yyyy-MM-dd}", cancellationToken).ConfigureAwait(false))[0];
            days.Add(new TaqDayEstimate(day, Convert.ToInt64(counts[0], CultureInfo.InvariantCulture), Convert.ToInt64(counts[1], CultureInfo.InvariantCulture), "count"));
        }

        var tradeRows = days.Sum(d => d.Trades);
        var quoteRows = days.Sum(d => d.Quotes);
        var transfer = (tradeRows * TransferBytesPerTrade) + (quoteRows * TransferBytesPerQuote);
        var disk = (tradeRows * DiskBytesPerTrade) + (quoteRows * DiskBytesPerQuote);
        Directory.CreateDirectory(layout.Root);
        var free = new DriveInfo(Path.GetFullPath(layout.Root)).AvailableFreeSpace;
        return new TaqEstimate(days, tradeRows + quoteRows, transfer, disk, TimeSpan.FromSeconds(transfer / (megabytesPerSecond * 1048576.0)), maxRows, free);
    }

    /// <summary>
    /// Pulls the days into tier 3 (trades, then quotes) and, for whole days, computes tier 1 from them. Each dataset is a
    /// sync of its own (single writer, checkpointed, validated); a failure leaves the versions already published intact.
    /// </summary>
    public async Task<IReadOnlyList<SyncOutcome>> SyncAsync(WrdsClient client, TaqPull pull, string by, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        var manager = new SyncManager(layout, clock);
        var outcomes = new List<SyncOutcome>();
        var source = new WrdsTaqSource(client, layout, pull);
        foreach (var dataset in source.Datasets)
        {
            outcomes.Add(await manager.SyncAsync(dataset, SyncMode.Incremental, source, by, progress, cancellationToken).ConfigureAwait(false));
        }

        if (pull.Symbols is null)
        {
            outcomes.AddRange(await AggregateAsync(pull.Days, by, progress, cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary>Tier 1 of <paramref name="days"/> from the tier-3 ticks the warehouse holds now (added to the days tier 1 has).</summary>
    public async Task<IReadOnlyList<SyncOutcome>> AggregateAsync(IReadOnlyCollection<DateOnly> days, string by, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var manager = new SyncManager(layout, clock);
        var outcomes = new List<SyncOutcome>();
        using var source = new TaqAggregateSource(layout, days, clock);
        foreach (var dataset in source.Datasets)
        {
            outcomes.Add(await manager.SyncAsync(dataset, SyncMode.Incremental, source, by, progress, cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary>The days of tier 3 (whole days) in [from, to].</summary>
    public IReadOnlyList<DateOnly> Tier3Days(DateOnly from, DateOnly to) => [.. Coverage().WholeDays.Where(d => d >= from && d <= to).Order()];
}
