using System.Globalization;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Analytics.Microstructure;

/// <summary>
/// Tier 1 of the TAQ storage: per symbol-day aggregates small enough to keep for every day synced, computed from the
/// tier-3 ticks (<see cref="TaqTicks"/>) of a date, over the NYSE regular session of that date.
/// <list type="bullet">
/// <item><c>taq/bars_1m</c>: one-minute bars of the executions (<see cref="IntradayMeasures.Bars"/>): <c>minute</c> is the
/// bar's start in minutes after midnight (570 = 09:30), open/high/low/close, shares, VWAP and trade count; a minute
/// without a trade has no row.</item>
/// <item><c>taq/daily_rv</c>: realized variance from five-minute returns of the last trade price (<c>rv_5m</c>), its
/// average over five grids offset by one minute (<c>rv_5m_sub</c>), bipower variation, the jump part max(RV − BV, 0)
/// and its share (<see cref="RealizedMeasures.Realized"/>); daily variances, not annualised.</item>
/// <item><c>taq/daily_spread</c>: time-weighted quoted spread (dollars and a fraction of the midpoint), bid and ask depth
/// (shares), share-weighted effective and realized spreads and price impact at five minutes (fractions of the
/// midpoint), trades (<see cref="IntradayMeasures.Spreads"/>).</item>
/// </list>
/// </summary>
public static class TaqAggregates
{
    public const string Bars = "taq/bars_1m";
    public const string DailyRv = "taq/daily_rv";
    public const string DailySpread = "taq/daily_spread";

    public static IReadOnlyList<string> Datasets { get; } = [Bars, DailyRv, DailySpread];

    /// <summary>The tables of one date's ticks (rows ordered by symbol, then minute).</summary>
    public static IReadOnlyList<DerivedTable> Compute(DateOnly date, IEnumerable<TickDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var bars = new List<(string Symbol, MinuteBar Bar)>();
        var rv = new List<(string Symbol, RealizedDay Day)>();
        var spread = new List<(string Symbol, SpreadSummary Summary)>();
        foreach (var day in days)
        {
            if (day.Date != date)
            {
                throw new ArgumentException($"ticks of {day.Date:yyyy-MM-dd} given for {date:yyyy-MM-dd}.", nameof(days));
            }

            bars.AddRange(IntradayMeasures.Bars(day.Events, day.Open, day.Close).Select(b => (day.Symbol, b)));
            rv.Add((day.Symbol, RealizedMeasures.Realized(day.Events, 300, 60, day.Open, day.Close)));
            spread.Add((day.Symbol, IntradayMeasures.Spreads(day.Events, 300, day.Open, day.Close)));
        }

        return
        [
            new DerivedTable(Bars, BarColumns,
            [
                bars.Select(_ => date).ToArray(), bars.Select(b => b.Symbol).ToArray(), bars.Select(b => b.Bar.Start / 60).ToArray(),
                bars.Select(b => b.Bar.Open).ToArray(), bars.Select(b => b.Bar.High).ToArray(), bars.Select(b => b.Bar.Low).ToArray(),
                bars.Select(b => b.Bar.Close).ToArray(), bars.Select(b => b.Bar.Volume).ToArray(), bars.Select(b => b.Bar.Vwap).ToArray(),
                bars.Select(b => b.Bar.Trades).ToArray(),
            ]),
            new DerivedTable(DailyRv, RvColumns,
            [
                rv.Select(_ => date).ToArray(), rv.Select(r => r.Symbol).ToArray(), rv.Select(r => Nullable(r.Day.Variance)).ToArray(),
                rv.Select(r => Nullable(r.Day.Subsampled)).ToArray(), rv.Select(r => Nullable(r.Day.Bipower)).ToArray(),
                rv.Select(r => Nullable(r.Day.Jump)).ToArray(), rv.Select(r => Nullable(r.Day.JumpShare)).ToArray(), rv.Select(r => r.Day.Returns).ToArray(),
            ]),
            new DerivedTable(DailySpread, SpreadColumns,
            [
                spread.Select(_ => date).ToArray(), spread.Select(s => s.Symbol).ToArray(), spread.Select(s => Nullable(s.Summary.QuotedSpread)).ToArray(),
                spread.Select(s => Nullable(s.Summary.RelativeQuotedSpread)).ToArray(), spread.Select(s => Nullable(s.Summary.BidDepth)).ToArray(),
                spread.Select(s => Nullable(s.Summary.AskDepth)).ToArray(), spread.Select(s => Nullable(s.Summary.RelativeEffectiveSpread)).ToArray(),
                spread.Select(s => Nullable(s.Summary.RelativeRealizedSpread)).ToArray(), spread.Select(s => Nullable(s.Summary.RelativePriceImpact)).ToArray(),
                spread.Select(s => s.Summary.Trades).ToArray(), spread.Select(s => s.Summary.QuotedSeconds).ToArray(),
            ]),
        ];
    }

    /// <summary>A symbol's one-minute bars of a day from tier 1 (<see cref="MinuteBar.Start"/> in seconds after midnight), in time order; empty when there are none.</summary>
    public static List<MinuteBar> ReadBars(WarehouseQuerySession session, string symbol, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(session);
        var bars = new List<MinuteBar>();
        using var command = session.CreateTrustedCommand(
            $"SELECT minute, open, high, low, close, volume, vwap, trades FROM taq.bars_1m WHERE sym_root = {DuckDbSql.Literal(symbol)} AND date = {DuckDbSql.Date(date)} ORDER BY minute");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            bars.Add(new MinuteBar(reader.GetInt32(0) * 60, reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetDouble(6), reader.GetInt32(7)));
        }

        return bars;
    }

    private static readonly ParquetColumnSpec[] BarColumns =
    [
        ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<string>("sym_root"), ParquetColumnSpec.Of<int>("minute"), ParquetColumnSpec.Of<double>("open"),
        ParquetColumnSpec.Of<double>("high"), ParquetColumnSpec.Of<double>("low"), ParquetColumnSpec.Of<double>("close"), ParquetColumnSpec.Of<long>("volume"),
        ParquetColumnSpec.Of<double>("vwap"), ParquetColumnSpec.Of<int>("trades"),
    ];

    private static readonly ParquetColumnSpec[] RvColumns =
    [
        ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<string>("sym_root"), ParquetColumnSpec.OfNullable<double>("rv_5m"),
        ParquetColumnSpec.OfNullable<double>("rv_5m_sub"), ParquetColumnSpec.OfNullable<double>("bipower"), ParquetColumnSpec.OfNullable<double>("jump"),
        ParquetColumnSpec.OfNullable<double>("jump_share"), ParquetColumnSpec.Of<int>("returns"),
    ];

    private static readonly ParquetColumnSpec[] SpreadColumns =
    [
        ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<string>("sym_root"), ParquetColumnSpec.OfNullable<double>("quoted_spread"),
        ParquetColumnSpec.OfNullable<double>("relative_quoted_spread"), ParquetColumnSpec.OfNullable<double>("bid_depth"), ParquetColumnSpec.OfNullable<double>("ask_depth"),
        ParquetColumnSpec.OfNullable<double>("relative_effective_spread"), ParquetColumnSpec.OfNullable<double>("relative_realized_spread"),
        ParquetColumnSpec.OfNullable<double>("relative_price_impact"), ParquetColumnSpec.Of<int>("trades"), ParquetColumnSpec.Of<double>("quoted_seconds"),
    ];

    private static double? Nullable(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>
/// Tier 1 as a sync source: a chunk per date (<c>date=YYYY-MM-DD/part-0.parquet</c>), computed from the warehouse's current
/// tier-3 ticks of that date. Each date is computed once, on the first plan, into files under the warehouse's staging
/// folder (the three datasets share the computation); the chunks are copies of them. Used incrementally: dates not named
/// are carried over from the current version, so tier 1 keeps every day ever synced while tier 3 keeps only its
/// retention window. Dispose to remove the computed files.
/// </summary>
public sealed class TaqAggregateSource(WarehouseLayout layout, IReadOnlyCollection<DateOnly> dates, TimeProvider clock) : ISyncSource, IDisposable
{
    private readonly string _folder = Path.Combine(layout.StagingFolder, "taq-tier1-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);
    private string? _description;
    private string? _versions;

    public string Name => "taq-tier1";

    public IReadOnlyList<string> Datasets => TaqAggregates.Datasets;

    public async Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        await ComputeAsync(cancellationToken).ConfigureAwait(false);
        var chunks = dates.Order().Select(d => new SyncChunk(Id(d), Id(d) + "/part-0.parquet", _rows[File(dataset, d)])).ToList();
        var last = dates.Count == 0 ? null : dates.Max().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var watermark = new[] { last, sinceWatermark }.Where(w => w is not null).Max(StringComparer.Ordinal);
        var hash = _versions + "|" + string.Join(',', chunks.Select(c => $"{c.Id}={c.ExpectedRows}"));
        return new SyncPlan(hash, chunks, watermark, _description!);
    }

    public Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var date = DateOnly.ParseExact(chunk.Id["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var file = File(dataset, date);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.Copy(file, path, overwrite: true);
        return Task.FromResult(_rows[file]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task ComputeAsync(CancellationToken cancellationToken)
    {
        if (_versions is not null)
        {
            return;
        }

        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, TaqTicks.Datasets);
        var versions = TaqTicks.Datasets.Select(d => session.Pinned.TryGetValue(d, out var m) ? m.VersionId : "none").ToList();
        foreach (var date in dates.Order())
        {
            foreach (var table in TaqAggregates.Compute(date, TaqTicks.ReadDate(session, date, cancellationToken)))
            {
                var file = File(table.Dataset, date);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                _rows[file] = await ParquetTableWriter.WriteFileAsync(file, table.Columns, table.Data, DerivedDatasets.RowGroupSize, cancellationToken).ConfigureAwait(false);
            }
        }

        _description = $"taq tier 1 from taq/trades@{versions[0]}, taq/quotes@{versions[1]}";
        _versions = string.Join('|', versions);
    }

    private string File(string dataset, DateOnly date) => Path.Combine(_folder, dataset.Replace('/', '_'), Id(date) + ".parquet");

    private static string Id(DateOnly date) => "date=" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
