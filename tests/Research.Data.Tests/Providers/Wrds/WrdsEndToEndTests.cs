using System.Globalization;
using Research.Data.Providers.Compustat;
using Research.Data.Providers.Crsp;
using Research.Data.Providers.Wrds;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;
using ParquetQuery = Research.Data.Tests.Synthetic.Parquet;

namespace Research.Data.Tests.Providers.Wrds;

/// <summary>One WRDS-shaped database and two warehouses synced from it (SIZ with an incremental month, and CIZ), shared by the tests.</summary>
public sealed class WrdsEndToEndFixture : IAsyncLifetime
{
    public static readonly SyntheticMarketOptions Options = new() { Stocks = 2000, Years = 10, Seed = 7, IntradaySymbols = 0 };

    internal WrdsShapedDatabase Db { get; private set; } = null!;

    internal TestWarehouse Siz { get; } = new();

    internal TestWarehouse Ciz { get; } = new();

    public DateOnly Cutoff { get; private set; }

    public List<SyncOutcome> Incremental { get; } = [];

    /// <summary>Seconds spent in each stage (printed by the tests' output for the record).</summary>
    public Dictionary<string, double> Stages { get; } = [];

    public async ValueTask InitializeAsync()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Stage(string name)
        {
            Stages[name] = watch.Elapsed.TotalSeconds;
            watch.Restart();
        }

        // Load everything up to the end of the month before the last one; the last month arrives later.
        Db = await WrdsShapedDatabase.CreateAsync(Options, CrspFormat.Auto, market =>
        {
            var last = ParquetQuery.Scalar<DateOnly>($"SELECT max(date) FROM read_parquet('{ParquetQuery.Glob(market, "crsp/daily")}')");
            return Cutoff = new DateOnly(last.Year, last.Month, 1).AddDays(-1);
        });
        Stage("generate and load");

        await using (var client = Db.Client())
        {
            await SyncAllAsync(new WrdsSyncSource(client, CrspFormat.Siz), Siz, SyncMode.Full, null);
            Assert.Equal(1, client.Logins);
        }

        Stage("full sync SIZ");
        await Db.Loader.AppendDailyAsync(Db.Market, Cutoff, TestContext.Current.CancellationToken);
        Stage("append month");
        await using (var client = Db.Client())
        {
            await SyncAllAsync(new WrdsSyncSource(client, CrspFormat.Siz), Siz, SyncMode.Incremental, Incremental);
        }

        Stage("incremental sync SIZ");
        await using (var client = Db.Client())
        {
            await SyncAllAsync(new WrdsSyncSource(client, CrspFormat.Ciz), Ciz, SyncMode.Full, null);
        }

        Stage("full sync CIZ");
    }

    private static async Task SyncAllAsync(WrdsSyncSource source, TestWarehouse warehouse, SyncMode mode, List<SyncOutcome>? outcomes)
    {
        var manager = new SyncManager(warehouse.Layout, warehouse.Clock);
        foreach (var dataset in source.Datasets)
        {
            var outcome = await manager.SyncAsync(dataset, mode, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
            outcomes?.Add(outcome);
            warehouse.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Siz.Dispose();
        Ciz.Dispose();
        await Db.DisposeAsync();
    }
}

/// <summary>
/// The whole path on a 2,000-stock, 10-year synthetic market: WRDS-shaped PostgreSQL (SIZ and CIZ) to the warehouse
/// through the real WRDS client, a full sync, one more month appended on the server, an incremental sync; then the
/// providers' answers are compared with the generator's truth, and the SIZ-built warehouse with the CIZ-built one.
/// </summary>
public sealed class WrdsEndToEndTests(WrdsEndToEndFixture fixture) : IClassFixture<WrdsEndToEndFixture>
{
    private WrdsShapedDatabase Db => fixture.Db;

    private TestWarehouse Siz => fixture.Siz;

    private TestWarehouse Ciz => fixture.Ciz;

    private DateOnly Cutoff => fixture.Cutoff;

    private List<SyncOutcome> Incremental => fixture.Incremental;

    private static SyntheticMarketOptions Options => WrdsEndToEndFixture.Options;

    private static string Files(TestWarehouse warehouse, string dataset)
    {
        var manifest = new WarehouseCatalog(warehouse.Layout).ReadCurrent(dataset) ?? throw new InvalidOperationException($"{dataset} has no current version");
        return "[" + string.Join(", ", manifest.Files.Select(f => $"'{Path.Combine(warehouse.Layout.DatasetFolder(dataset), f.Path).Replace('\\', '/')}'")) + "]";
    }

    /// <summary>Rows in one query and not in the other, both ways (0 means the same multiset of rows up to duplicates).</summary>
    private static long Difference(string left, string right) =>
        ParquetQuery.Scalar<long>($"SELECT (SELECT count(*) FROM ({left} EXCEPT {right})) + (SELECT count(*) FROM ({right} EXCEPT {left}))");

    [Fact]
    public void The_incremental_sync_pulled_only_the_new_year_and_the_warehouse_has_every_daily_row_of_the_truth()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", fixture.Stages.Select(s => $"{s.Key}: {s.Value:F1} s")));
        var daily = Incremental.Single(o => o.Dataset == "crsp/daily");
        Assert.True(daily.Published);
        Assert.Equal(1, daily.ChunksPulled);
        Assert.Equal(Options.Years - 1, daily.FilesShared);
        var lastDate = ParquetQuery.Scalar<DateOnly>($"SELECT max(date) FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/daily")}')");
        Assert.True(lastDate > Cutoff);
        Assert.Equal(lastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), daily.Manifest.Watermark);

        const string columns = "permno, permco, date, hexcd, prc, openprc, ret, retx, vol, shrout, cfacpr, cfacshr";
        var truth = $"SELECT {columns} FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/daily")}')";
        Assert.Equal(ParquetQuery.Scalar<long>($"SELECT count(*) FROM ({truth})"), ParquetQuery.Scalar<long>($"SELECT count(*) FROM read_parquet({Files(Siz, "crsp/daily")})"));
        Assert.Equal(0, Difference(truth, $"SELECT {columns} FROM read_parquet({Files(Siz, "crsp/daily")})"));
        Assert.Equal(0, Difference(truth, $"SELECT {columns} FROM read_parquet({Files(Ciz, "crsp/daily")})"));
    }

    [Theory]
    [InlineData("crsp/delisting", "permno, dlstdt, dlstcd, dlret, last_trade_date")]
    [InlineData("ccm/links", "gvkey, lpermno, lpermco, linktype, linkprim, linkdt, linkenddt")]
    [InlineData("compustat/annual", "gvkey, datadate, fyear, fyr, tic, conm, indfmt, datafmt, popsrc, consol, \"at\", \"lt\", ceq, sale, cogs, xsga, ni, csho, prcc_f, txditc")]
    [InlineData("compustat/quarterly", "gvkey, datadate, fyearq, fqtr, fyr, rdq, tic, conm, indfmt, datafmt, popsrc, consol, atq, ltq, ceqq, saleq, cogsq, xsgaq, niq, cshoq, epspxq")]
    [InlineData("famafrench/factors_daily", "date, mktrf, smb, hml, rf, umd")]
    public void Every_other_dataset_equals_the_truth_from_both_crsp_formats(string dataset, string columns)
    {
        var truth = $"SELECT {columns} FROM read_parquet('{ParquetQuery.Glob(Db.Market, dataset)}')";
        Assert.Equal(0, Difference(truth, $"SELECT {columns} FROM read_parquet({Files(Siz, dataset)})"));
        Assert.Equal(0, Difference(truth, $"SELECT {columns} FROM read_parquet({Files(Ciz, dataset)})"));
    }

    [Fact]
    public void Names_equal_the_truth_and_CIZ_differs_only_in_not_telling_share_code_10_from_11()
    {
        const string columns = "permno, permco, namedt, nameendt, ticker, comnam, exchcd, siccd, ncusip";
        var truth = $"SELECT {columns}, shrcd FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/names")}')";
        Assert.Equal(0, Difference(truth, $"SELECT {columns}, shrcd FROM read_parquet({Files(Siz, "crsp/names")})"));
        Assert.Equal(0, Difference(
            $"SELECT {columns}, CASE WHEN shrcd IN (10, 11) THEN 11 ELSE shrcd END FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/names")}')",
            $"SELECT {columns}, shrcd FROM read_parquet({Files(Ciz, "crsp/names")})"));
    }

    [Fact]
    public void The_universe_on_every_month_end_is_the_truth_and_the_same_from_SIZ_and_CIZ()
    {
        using var siz = Siz.Open();
        using var ciz = Ciz.Open();
        var monthEnds = ParquetQuery.Query($"SELECT max(date) FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/daily")}') GROUP BY year(date), month(date) ORDER BY 1")
            .Select(r => (DateOnly)r[0]!).ToList();
        Assert.True(monthEnds.Count >= 119, $"{monthEnds.Count} month ends");
        foreach (var date in monthEnds)
        {
            // Truth: traded that day, name record in force that day with a common share code, not yet delisted.
            var expected = ParquetQuery.Query($"""
                SELECT d.permno FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/daily")}') d
                JOIN read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/names")}') n ON n.permno = d.permno AND d.date BETWEEN n.namedt AND n.nameendt
                WHERE d.date = DATE '{date:yyyy-MM-dd}' AND n.shrcd IN (10, 11) ORDER BY 1
                """).Select(r => (int)r[0]!).ToList();
            var fromSiz = new CrspProvider(siz).Universe(date);
            var fromCiz = new CrspProvider(ciz).Universe(date);
            Assert.Equal(expected, fromSiz.Select(s => s.Permno));
            Assert.Equal(fromSiz.Select(s => (s.Permno, s.Ticker, s.CompanyName, s.ExchangeCode)), fromCiz.Select(s => (s.Permno, s.Ticker, s.CompanyName, s.ExchangeCode)));
        }
    }

    [Fact]
    public void Delisting_returns_and_ticker_history_are_the_truth_from_both_formats()
    {
        using var siz = Siz.Open();
        using var ciz = Ciz.Open();
        var crspSiz = new CrspProvider(siz);
        var crspCiz = new CrspProvider(ciz);
        // Every missing-return delisting and 60 others (each provider call scans the panel for one permno).
        var delistings = ParquetQuery.Query($"""
            SELECT permno, dlstdt, dlstcd, dlret FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/delisting")}')
            QUALIFY dlret IS NULL OR row_number() OVER (ORDER BY permno) % 10 = 0 LIMIT 150
            """);
        Assert.True(delistings.Count > 60, $"{delistings.Count} delistings");
        var imputed = 0;
        foreach (var d in delistings)
        {
            var returns = crspSiz.Returns((int)d[0]!, new DateOnly(1900, 1, 1), new DateOnly(2100, 1, 1));
            Assert.Equal(returns, crspCiz.Returns((int)d[0]!, new DateOnly(1900, 1, 1), new DateOnly(2100, 1, 1)));
            var last = returns[^1];
            Assert.True(last.IsDelisting);
            Assert.Equal((DateOnly)d[1]!, last.Date);
            if (d[3] is double dlret)
            {
                Assert.Equal(dlret, last.Return);
            }
            else
            {
                Assert.True((int)d[2]! >= 500);
                Assert.Equal(CrspProvider.ImputedPerformanceDelistingReturn, last.Return);
                imputed++;
            }
        }

        Assert.True(imputed > 0);
        var changes = ParquetQuery.Query($"""
            SELECT permno, ticker, nameendt, lead(ticker) OVER w, lead(namedt) OVER w
            FROM read_parquet('{ParquetQuery.Glob(Db.Market, "crsp/names")}') WINDOW w AS (PARTITION BY permno ORDER BY namedt)
            QUALIFY lead(ticker) OVER w IS NOT NULL AND lead(ticker) OVER w <> ticker
            """);
        Assert.True(changes.Count > 20, $"{changes.Count} ticker changes");
        foreach (var c in changes)
        {
            foreach (var crsp in new[] { crspSiz, crspCiz })
            {
                Assert.Equal((int)c[0]!, crsp.Lookup((string)c[1]!, (DateOnly)c[2]!));
                Assert.Equal((int)c[0]!, crsp.Lookup((string)c[3]!, (DateOnly)c[4]!));
                Assert.NotEqual((int)c[0]!, crsp.Lookup((string)c[1]!, (DateOnly)c[4]!));
            }
        }
    }

    [Fact]
    public void Compustat_answers_are_the_same_from_both_warehouses()
    {
        using var siz = Siz.Open();
        using var ciz = Ciz.Open();
        var gvkeys = ParquetQuery.Query($"SELECT DISTINCT gvkey FROM read_parquet('{ParquetQuery.Glob(Db.Market, "compustat/quarterly")}') ORDER BY 1 LIMIT 40").Select(r => (string)r[0]!);
        var date = Cutoff;
        foreach (var gvkey in gvkeys)
        {
            var a = new CompustatProvider(siz);
            var b = new CompustatProvider(ciz);
            Assert.Equal(a.LatestQuarter(gvkey, date)?["datadate"], b.LatestQuarter(gvkey, date)?["datadate"]);
            Assert.Equal(a.LatestAnnual(gvkey, date)?["datadate"], b.LatestAnnual(gvkey, date)?["datadate"]);
            Assert.Equal(a.Permno(gvkey, date), b.Permno(gvkey, date));
            Assert.NotNull(a.LatestQuarter(gvkey, date.AddYears(1)));
        }
    }
}
