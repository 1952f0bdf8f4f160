using System.Globalization;
using DuckDB.NET.Data;
using Research.Analytics.Microstructure;
using Research.Data.Providers.Wrds;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// WRDS millisecond TAQ loaded into a local PostgreSQL under its real names (taqm_YYYY.ctm_/cqm_/complete_nbbo_/mastm_YYYYMMDD,
/// quote sizes in round lots, dirty rows planted next to the market's own ticks) and pulled through the real WRDS client:
/// the estimate comes from table statistics (whole days) or a count (named symbols); an on-demand symbol-day is cached in
/// tier 3; whole days replace it; retention keeps the latest days of ticks while tier 1 keeps every day; the cleaned ticks
/// are exactly the market's (every planted row removed, none of the market's); tier-1 bars equal bars computed
/// independently in SQL from the market's files.
/// </summary>
public sealed class WrdsTaqTiersTests
{
    [Fact]
    public async Task A_WRDS_TAQ_day_syncs_through_the_real_client_into_tiers_1_and_3_cleaned_to_the_markets_own_ticks()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("wrds-taq");
        var market = dir.Combine("market");
        await SyntheticMarketGenerator.GenerateAsync(new SyntheticMarketOptions { Stocks = 40, Years = 1, EndYear = 2024, Seed = 23, IntradaySymbols = 5, IntradayDays = 3, IntradayTradeSize = 1_000 }, market, cancellationToken: ct);
        await using var db = await PostgresDatabase.CreateAsync();
        var loaded = await new WrdsShapedTaqLoader(db.ConnectionString).LoadAsync(market, null, ct);
        var days = Directory.GetDirectories(Path.Combine(market, "taq", "trades")).Select(d => DateOnly.ParseExact(Path.GetFileName(d)[5..], "yyyy-MM-dd", CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(3, days.Count);
        Assert.Equal(12, loaded.Count);

        var settings = WrdsSettings.FromConnectionString(db.ConnectionString) with { SslMode = Npgsql.SslMode.Disable, MinQueryInterval = TimeSpan.Zero };
        await using var client = new WrdsClient(settings, new WrdsCredentials(settings.Username ?? "postgres", "unused", "test server"));
        var layout = new WarehouseLayout(dir.Combine("data"));
        var store = new TaqStore(layout, TimeProvider.System);

        // The estimate of whole days comes from the tables' statistics, without a scan, and is near the raw rows.
        var estimate = await store.EstimateAsync(client, new TaqPull(days), TaqStore.DefaultMaxRows, 20, ct);
        Assert.All(estimate.Days, d => Assert.Equal("table statistics", d.Basis));
        foreach (var day in estimate.Days)
        {
            Assert.InRange(day.Trades, 0.9 * loaded[WrdsTaq.Trades(day.Date)], 1.1 * loaded[WrdsTaq.Trades(day.Date)]);
            Assert.InRange(day.Quotes, 0.9 * loaded[WrdsTaq.Nbbo(day.Date)], 1.1 * loaded[WrdsTaq.Nbbo(day.Date)]);
        }

        Assert.False(estimate.OverLimit);
        Assert.True(estimate.FitsOnDisk);
        Assert.Equal((estimate.Days.Sum(d => d.Trades) * TaqStore.TransferBytesPerTrade) + (estimate.Days.Sum(d => d.Quotes) * TaqStore.TransferBytesPerQuote), estimate.TransferBytes);

        // Named symbols are counted exactly (raw rows, before cleaning); a small limit makes the pull over the limit.
        var symbol = await db.TextAsync($"SELECT min(sym_root) FROM {WrdsTaq.Master(days[0])}");
        var one = await store.EstimateAsync(client, new TaqPull([days[0]], [symbol]), 100, 20, ct);
        Assert.Equal("count", Assert.Single(one.Days).Basis);
        Assert.Equal(await db.ScalarAsync($"SELECT count(*) FROM {WrdsTaq.Trades(days[0])} WHERE sym_root = '{symbol}'"), one.Days[0].Trades);
        Assert.True(one.OverLimit);

        // On demand: one symbol-day is cached in tier 3, no tier 1.
        await store.SyncAsync(client, new TaqPull([days[0]], [symbol]), "tests", null, ct);
        var coverage = store.Coverage();
        Assert.True(coverage.Has(days[0], symbol));
        Assert.Empty(coverage.WholeDays);
        Assert.Empty(coverage.Tier1Days);
        Assert.Equal(await RowsAsync(market, "trades", days[0], symbol), new WarehouseCatalog(layout).ReadCurrent(WrdsTaqSource.Trades)!.Rows);

        // Whole days replace the on-demand file; retention of two days drops the first day's ticks, tier 1 keeps it.
        await store.SyncAsync(client, new TaqPull([days[0], days[1]]), "tests", null, ct);
        await store.SyncAsync(client, new TaqPull([days[2]], KeepDays: 2), "tests", null, ct);
        coverage = store.Coverage();
        Assert.Equal(days[1..], coverage.WholeDays.Order());
        Assert.Empty(coverage.SymbolDays);
        Assert.Equal(days, coverage.Tier1Days.Order());

        // Tier 3 holds exactly the market's ticks of the days kept: every planted row removed, none of the market's.
        var catalog = new WarehouseCatalog(layout);
        string Files(string dataset) => DuckDbSql.List(catalog.ReadCurrent(dataset)!.Files.Select(f => Path.Combine(layout.DatasetFolder(dataset), f.Path)));
        string Market(string kind) => $"read_parquet('{Path.Combine(market, "taq", kind, "**", "*.parquet").Replace('\\', '/')}', hive_partitioning = false)";
        var kept = $"date IN ({DuckDbSql.Date(days[1])}, {DuckDbSql.Date(days[2])})";
        foreach (var (kind, columns) in new[] { ("trades", "date, time_m_us, sym_root, price, size"), ("quotes", "date, time_m_us, sym_root, bid, bidsiz, ask, asksiz") })
        {
            var synced = $"SELECT {columns} FROM read_parquet({Files("taq/" + kind)}, hive_partitioning = false)";
            var truth = $"SELECT {columns} FROM {Market(kind)} WHERE {kept}";
            Assert.Equal(0L, Scalar($"SELECT (SELECT count(*) FROM ({synced} EXCEPT ALL {truth})) + (SELECT count(*) FROM ({truth} EXCEPT ALL {synced}))"));
            Assert.Equal(Scalar($"SELECT count(*) FROM ({truth})"), catalog.ReadCurrent("taq/" + kind)!.Rows);
        }

        var symbolDays = Scalar($"SELECT count(DISTINCT (date, sym_root)) FROM {Market("trades")} WHERE {kept}");
        var raw = loaded[WrdsTaq.Trades(days[1])] + loaded[WrdsTaq.Trades(days[2])];
        Assert.Equal(raw - (symbolDays * WrdsShapedTaqLoader.PlantedPerSymbolDay.Trades), catalog.ReadCurrent("taq/trades")!.Rows);

        // Tier 1 bars of all three days equal one-minute bars computed in SQL from the market's trades (ties in file order).
        var bars = $"SELECT * FROM read_parquet({Files(TaqAggregates.Bars)}, hive_partitioning = false)";
        var sql = $"SELECT date, sym_root, (time_m_us // 60000000)::INTEGER AS minute, first(price ORDER BY time_m_us, file_row_number) AS open, max(price) AS high, min(price) AS low, " +
            $"last(price ORDER BY time_m_us, file_row_number) AS close, sum(size)::BIGINT AS volume, sum(price * size) / sum(size) AS vwap, count(*)::INTEGER AS trades " +
            $"FROM read_parquet('{Path.Combine(market, "taq", "trades", "*", "*.parquet").Replace('\\', '/')}', file_row_number = true, hive_partitioning = false) GROUP BY ALL";
        Assert.Equal(Scalar($"SELECT count(*) FROM ({sql})"), Scalar($"SELECT count(*) FROM ({bars})"));
        var mismatches = Scalar($"SELECT count(*) FROM ({bars}) b FULL JOIN ({sql}) s USING (date, sym_root, minute) WHERE b.open IS NULL OR s.open IS NULL " +
            "OR abs(b.open - s.open) > 1e-9 OR abs(b.high - s.high) > 1e-9 OR abs(b.low - s.low) > 1e-9 OR abs(b.close - s.close) > 1e-9 " +
            "OR abs(b.vwap - s.vwap) > 1e-9 OR b.volume <> s.volume OR b.trades <> s.trades");
        Assert.Equal(0L, mismatches);
        Assert.Equal(15L, catalog.ReadCurrent(TaqAggregates.DailyRv)!.Rows);
        Assert.Equal(15L, catalog.ReadCurrent(TaqAggregates.DailySpread)!.Rows);
    }

    private static Task<long> RowsAsync(string market, string kind, DateOnly day, string symbol) => Task.FromResult(Scalar(
        $"SELECT count(*) FROM read_parquet('{Path.Combine(market, "taq", kind, "date=" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "*.parquet").Replace('\\', '/')}') WHERE sym_root = '{symbol}'"));

    private static long Scalar(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
