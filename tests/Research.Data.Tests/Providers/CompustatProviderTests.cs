using Research.Data.Providers.Compustat;
using Research.Data.Synthetic;
using Research.Data.Tests.Warehouse;
using ParquetQuery = Research.Data.Tests.Synthetic.Parquet;

namespace Research.Data.Tests.Providers;

/// <summary>Point-in-time Compustat over the synthetic market: nothing is visible before it was known.</summary>
public sealed class CompustatProviderTests : IAsyncLifetime
{
    private SyncedSyntheticWarehouse _synced = null!;

    public async ValueTask InitializeAsync() =>
        _synced = await SyncedSyntheticWarehouse.CreateAsync(new SyntheticMarketOptions { Stocks = 80, Years = 4, Seed = 33, IntradaySymbols = 0 }, "compustat/annual", "compustat/quarterly", "ccm/links");

    public ValueTask DisposeAsync()
    {
        _synced.Dispose();
        return ValueTask.CompletedTask;
    }

    private TestWarehouse Warehouse => _synced.Warehouse;

    private string Market => _synced.Market;

    [Fact]
    public void No_quarter_is_visible_before_its_report_date_and_the_latest_known_one_is_returned()
    {
        using var session = Warehouse.Open();
        var compustat = new CompustatProvider(session);
        var rows = ParquetQuery.Query($"SELECT gvkey, datadate, rdq FROM read_parquet('{ParquetQuery.Glob(Market, "compustat/quarterly")}') ORDER BY gvkey, datadate");
        var checkedRows = 0;
        foreach (var group in rows.GroupBy(r => (string)r[0]!).Take(25))
        {
            var quarters = group.Select(r => (DataDate: (DateOnly)r[1]!, Rdq: (DateOnly)r[2]!)).ToList();
            foreach (var q in quarters)
            {
                // The day before the report: this quarter is not visible yet; on the report day it is.
                var before = compustat.LatestQuarter(group.Key, q.Rdq.AddDays(-1));
                Assert.True(before is null || (DateOnly)before["datadate"]! < q.DataDate, $"{group.Key} {q.DataDate} visible before its rdq {q.Rdq}");
                var on = compustat.LatestQuarter(group.Key, q.Rdq)!;
                var expected = quarters.Where(x => x.Rdq <= q.Rdq).Max(x => x.DataDate);
                Assert.Equal(expected, (DateOnly)on["datadate"]!);
                checkedRows++;
            }
        }

        Assert.True(checkedRows > 200, $"{checkedRows} quarters checked");
    }

    [Fact]
    public void Annual_rows_need_the_lag_and_non_standard_formats_never_show()
    {
        using var session = Warehouse.Open();
        var compustat = new CompustatProvider(session);
        var rows = ParquetQuery.Query($"SELECT gvkey, datadate, indfmt FROM read_parquet('{ParquetQuery.Glob(Market, "compustat/annual")}')");
        Assert.Contains(rows, r => (string)r[2]! == "FS");
        foreach (var r in rows.Where(r => (string)r[2]! == "INDL").Take(60))
        {
            var gvkey = (string)r[0]!;
            var datadate = (DateOnly)r[1]!;
            var early = compustat.LatestAnnual(gvkey, datadate.AddDays(179));
            Assert.True(early is null || (DateOnly)early["datadate"]! < datadate);
            var known = compustat.LatestAnnual(gvkey, datadate.AddDays(180))!;
            Assert.Equal(datadate, (DateOnly)known["datadate"]!);
            Assert.Equal("INDL", known["indfmt"]);
        }
    }

    [Fact]
    public void CCM_links_are_honoured_by_date()
    {
        using var session = Warehouse.Open();
        var compustat = new CompustatProvider(session);
        var links = ParquetQuery.Query($"SELECT gvkey, lpermno, linkdt, linkenddt FROM read_parquet('{ParquetQuery.Glob(Market, "ccm/links")}')");
        Assert.Contains(links, l => l[3] is not null);
        foreach (var l in links.Take(80))
        {
            var gvkey = (string)l[0]!;
            var permno = (int)l[1]!;
            var start = (DateOnly)l[2]!;
            Assert.Null(compustat.Permno(gvkey, start.AddDays(-1)));
            Assert.Equal(permno, compustat.Permno(gvkey, start));
            if (l[3] is DateOnly end)
            {
                Assert.Equal(permno, compustat.Permno(gvkey, end));
                Assert.Null(compustat.Permno(gvkey, end.AddDays(1)));
            }
        }
    }

    [Fact]
    public void Tickers_and_links_map_both_ways_as_known_on_the_date()
    {
        using var session = Warehouse.Open();
        var compustat = new CompustatProvider(session);
        var quarters = ParquetQuery.Query($"""
            SELECT gvkey, rdq, tic FROM read_parquet('{ParquetQuery.Glob(Market, "compustat/quarterly")}')
            QUALIFY row_number() OVER (PARTITION BY gvkey ORDER BY datadate DESC) = 2
            ORDER BY gvkey LIMIT 30
            """);
        Assert.NotEmpty(quarters);
        foreach (var q in quarters)
        {
            var (gvkey, rdq, tic) = ((string)q[0]!, (DateOnly)q[1]!, (string)q[2]!);
            // On the report day of a company's second-to-last quarter, its ticker is that quarter's (no later row is known yet,
            // unless an annual row became known in between, which carries the same ticker in the synthetic market).
            Assert.Equal(tic, compustat.Ticker(gvkey, rdq));
            Assert.Contains(gvkey, compustat.Gvkeys(tic, rdq));
            if (compustat.Permno(gvkey, rdq) is { } permno)
            {
                Assert.Equal(gvkey, compustat.Gvkey(permno, rdq));
            }
        }

        Assert.Null(compustat.Ticker("999999", new DateOnly(2030, 1, 1)));
        Assert.Empty(compustat.Gvkeys("NOSUCH", new DateOnly(2030, 1, 1)));
    }
}
