using Research.Data.Providers.Crsp;
using Research.Data.Synthetic;
using Research.Data.Tests.Warehouse;
using ParquetQuery = Research.Data.Tests.Synthetic.Parquet;

namespace Research.Data.Tests.Providers;

/// <summary>CRSP answers over the warehouse agree with what the synthetic market planted.</summary>
public sealed class CrspProviderTests : IAsyncLifetime
{
    private SyncedSyntheticWarehouse _synced = null!;

    public async ValueTask InitializeAsync() =>
        _synced = await SyncedSyntheticWarehouse.CreateAsync(new SyntheticMarketOptions { Stocks = 150, Years = 3, Seed = 21, IntradaySymbols = 0 }, "crsp/daily", "crsp/names", "crsp/delisting");

    public ValueTask DisposeAsync()
    {
        _synced.Dispose();
        return ValueTask.CompletedTask;
    }

    private TestWarehouse Warehouse => _synced.Warehouse;

    private string Market => _synced.Market;

    [Fact]
    public void The_universe_on_each_month_end_is_exactly_the_listed_securities_with_their_names_of_that_day()
    {
        using var session = Warehouse.Open();
        var crsp = new CrspProvider(session);
        var monthEnds = ParquetQuery.Query($"SELECT max(date) FROM read_parquet('{ParquetQuery.Glob(Market, "crsp/daily")}') GROUP BY year(date), month(date) ORDER BY 1")
            .Select(r => (DateOnly)r[0]!).ToList();
        Assert.Equal(36, monthEnds.Count);
        foreach (var date in monthEnds)
        {
            var expected = ParquetQuery.Query($"SELECT permno FROM read_parquet('{ParquetQuery.Glob(Market, "crsp/daily")}') WHERE date = DATE '{date:yyyy-MM-dd}' ORDER BY 1")
                .Select(r => (int)r[0]!).ToList();
            var universe = crsp.Universe(date);
            Assert.Equal(expected, universe.Select(s => s.Permno));
            var delistedBefore = ParquetQuery.Query($"SELECT permno FROM read_parquet('{ParquetQuery.Glob(Market, "crsp/delisting")}') WHERE last_trade_date < DATE '{date:yyyy-MM-dd}'")
                .Select(r => (int)r[0]!).ToHashSet();
            Assert.DoesNotContain(universe, s => delistedBefore.Contains(s.Permno));
        }
    }

    [Fact]
    public void A_date_outside_the_daily_data_is_an_unknown_universe_not_an_empty_one()
    {
        using var session = Warehouse.Open();
        var crsp = new CrspProvider(session);
        var last = (DateOnly)ParquetQuery.Query($"SELECT max(date) FROM read_parquet('{ParquetQuery.Glob(Market, "crsp/daily")}')")[0][0]!;
        var after = Assert.Throws<ArgumentException>(() => crsp.Universe(last.AddDays(7)));
        Assert.Contains($"is after the daily data in crsp/daily@{session.Pinned["crsp/daily"].VersionId}", after.Message, StringComparison.Ordinal);
        Assert.Contains($"to {last:yyyy-MM-dd}", after.Message, StringComparison.Ordinal);
        var before = Assert.Throws<ArgumentException>(() => crsp.Universe(new DateOnly(1990, 1, 2)));
        Assert.Contains("1990-01-02 is before the daily data", before.Message, StringComparison.Ordinal);
        Assert.NotEmpty(crsp.Universe(last));
    }

    [Fact]
    public void Delisting_returns_are_applied_on_the_delisting_date_and_missing_performance_returns_are_minus_30_percent()
    {
        using var session = Warehouse.Open();
        var crsp = new CrspProvider(session);
        var delistings = ParquetQuery.Query($"SELECT permno, dlstdt, dlstcd, dlret FROM read_parquet('{ParquetQuery.Glob(Market, "crsp/delisting")}')");
        Assert.True(delistings.Count >= 5, $"{delistings.Count} delistings");
        var imputed = 0;
        foreach (var d in delistings)
        {
            var returns = crsp.Returns((int)d[0]!, new DateOnly(2000, 1, 1), new DateOnly(2030, 12, 31));
            var last = returns[^1];
            Assert.True(last.IsDelisting);
            Assert.Equal((DateOnly)d[1]!, last.Date);
            Assert.True(returns.Take(returns.Count - 1).All(r => !r.IsDelisting && r.Date < last.Date && r.Price > 0));
            if (d[3] is double dlret)
            {
                Assert.Equal(dlret, last.Return);
            }
            else if ((int)d[2]! >= 500)
            {
                Assert.Equal(CrspProvider.ImputedPerformanceDelistingReturn, last.Return);
                Assert.True(last.DelistingReturnImputed);
                imputed++;
            }
        }

        Assert.True(imputed > 0, "no missing performance delisting return was imputed");
    }

    [Fact]
    public void Ticker_lookup_follows_the_name_history()
    {
        using var session = Warehouse.Open();
        var crsp = new CrspProvider(session);
        var changes = ParquetQuery.Query($"""
            SELECT permno, ticker, namedt, nameendt, lead(ticker) OVER w, lead(namedt) OVER w
            FROM read_parquet('{ParquetQuery.Glob(Market, "crsp/names")}') WINDOW w AS (PARTITION BY permno ORDER BY namedt)
            QUALIFY lead(ticker) OVER w IS NOT NULL AND lead(ticker) OVER w <> ticker
            """);
        Assert.NotEmpty(changes);
        foreach (var c in changes)
        {
            var permno = (int)c[0]!;
            Assert.Equal(permno, crsp.Lookup((string)c[1]!, (DateOnly)c[3]!));
            Assert.Equal(permno, crsp.Lookup((string)c[4]!, (DateOnly)c[5]!));
            Assert.NotEqual(permno, crsp.Lookup((string)c[1]!, (DateOnly)c[5]!));
        }
    }
}
