using MathNet.Numerics.Statistics;
using Research.Core.Calendars;

namespace Research.Data.Tests.Synthetic;

/// <summary>The WRDS-shaped datasets obey the conventions of the real ones.</summary>
public sealed class SyntheticMarketStructureTests(SyntheticMarketFixture market) : IClassFixture<SyntheticMarketFixture>
{
    private string Daily => Parquet.Glob(market.TenYears, "crsp/daily");

    [Fact]
    public void Every_daily_row_falls_on_an_NYSE_session_and_keys_are_unique()
    {
        var dates = Parquet.Query($"SELECT DISTINCT date FROM read_parquet('{Daily}') ORDER BY date").Select(r => (DateOnly)r[0]!).ToList();
        var sessions = NyseCalendar.Instance.Sessions(new DateOnly(2015, 1, 1), new DateOnly(2024, 12, 31));
        Assert.Equal(sessions, dates);
        Assert.Equal(0L, Parquet.Scalar<long>($"SELECT count(*) - count(DISTINCT (permno, date)) FROM read_parquet('{Daily}')"));
    }

    [Fact]
    public void Split_adjusted_prices_are_continuous_through_splits()
    {
        // prc / cfacpr compounds with retx on every day, including ex-dates where cfacpr changes.
        var rows = Parquet.Query($"""
            SELECT permno, date, abs(prc) / cfacpr AS adj, retx, cfacpr,
                   lag(abs(prc) / cfacpr) OVER w AS prev_adj, lag(cfacpr) OVER w AS prev_cfac
            FROM read_parquet('{Daily}') WINDOW w AS (PARTITION BY permno ORDER BY date)
            QUALIFY prev_cfac IS NOT NULL AND prev_cfac <> cfacpr
            """);
        Assert.True(rows.Count > 50, $"only {rows.Count} splits in 10 years of ~1,000 stocks");
        foreach (var r in rows)
        {
            var expected = (double)r[5]! * (1 + (double)r[3]!);
            Assert.True(Math.Abs((double)r[2]! / expected - 1) < 1e-3, $"permno {r[0]} on {r[1]}: adjusted {r[2]} vs {expected}");
        }

        // Price factors are 1 on each security's last row (CRSP adjusts to the latest data).
        Assert.Equal(0L, Parquet.Scalar<long>($"SELECT count(*) FROM (SELECT arg_max(cfacpr, date) AS last FROM read_parquet('{Daily}') GROUP BY permno) WHERE last <> 1"));
    }

    [Fact]
    public void Delistings_follow_the_last_trading_day_and_performance_delistings_lose_money()
    {
        var rows = Parquet.Query($"""
            WITH last AS (SELECT permno, max(date) AS last_date FROM read_parquet('{Daily}') GROUP BY permno)
            SELECT d.dlstcd, d.dlret, d.dlstdt, l.last_date
            FROM read_parquet('{Parquet.Glob(market.TenYears, "crsp/delisting")}') d JOIN last l USING (permno)
            """);
        Assert.True(rows.Count > 100);
        Assert.All(rows, r => Assert.True((DateOnly)r[2]! > (DateOnly)r[3]!));
        var performance = rows.Where(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture) >= 500).ToList();
        var mergers = rows.Where(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture) is >= 200 and < 300).ToList();
        Assert.NotEmpty(performance);
        Assert.NotEmpty(mergers);
        Assert.Contains(performance, r => r[1] is null);
        Assert.True(performance.Where(r => r[1] is not null).Average(r => (double)r[1]!) < -0.2);
        Assert.True(Math.Abs(mergers.Average(r => (double)r[1]!)) < 0.02);
    }

    [Fact]
    public void Name_spells_do_not_overlap_and_tickers_change_over_time()
    {
        Assert.Equal(0L, Parquet.Scalar<long>($"""
            SELECT count(*) FROM (
              SELECT namedt, lag(nameendt) OVER (PARTITION BY permno ORDER BY namedt) AS prev_end
              FROM read_parquet('{Parquet.Glob(market.TenYears, "crsp/names")}')) WHERE prev_end >= namedt
            """));
        Assert.True(Parquet.Scalar<long>($"SELECT count(*) FROM (SELECT permno FROM read_parquet('{Parquet.Glob(market.TenYears, "crsp/names")}') GROUP BY permno HAVING count(DISTINCT ticker) > 1)") > 20);
        // At any date, a ticker belongs to one permno.
        Assert.Equal(0L, Parquet.Scalar<long>($"""
            SELECT count(*) FROM read_parquet('{Parquet.Glob(market.TenYears, "crsp/names")}') a
            JOIN read_parquet('{Parquet.Glob(market.TenYears, "crsp/names")}') b
              ON a.ticker = b.ticker AND a.permno <> b.permno AND a.namedt <= b.nameendt AND b.namedt <= a.nameendt
            """));
    }

    [Fact]
    public void Quarterly_reports_arrive_20_to_90_days_after_period_end_and_link_through_CCM()
    {
        var lag = Parquet.Query($"SELECT min(rdq - datadate), max(rdq - datadate) FROM read_parquet('{Parquet.Glob(market.TenYears, "compustat/quarterly")}')")[0];
        Assert.InRange(Convert.ToInt64(lag[0], System.Globalization.CultureInfo.InvariantCulture), 20, 30);
        Assert.InRange(Convert.ToInt64(lag[1], System.Globalization.CultureInfo.InvariantCulture), 80, 95);
        var unlinked = Parquet.Scalar<long>($"""
            SELECT count(*) FROM read_parquet('{Parquet.Glob(market.TenYears, "compustat/quarterly")}') q
            ANTI JOIN read_parquet('{Parquet.Glob(market.TenYears, "ccm/links")}') l USING (gvkey)
            """);
        Assert.Equal(0L, unlinked);
        Assert.True(Parquet.Scalar<long>($"SELECT count(*) FROM read_parquet('{Parquet.Glob(market.TenYears, "compustat/annual")}') WHERE indfmt = 'FS'") > 0,
            "non-standard (FS) rows exist so that the standard Compustat filter matters");
    }

    [Fact]
    public void Fama_French_factors_from_2x3_sorts_track_the_planted_style_factors()
    {
        var rows = Parquet.Query($"""
            WITH d AS (SELECT date, ret, lag(abs(prc) * shrout) OVER (PARTITION BY permno ORDER BY date) AS cap
                       FROM read_parquet('{Daily}')),
                 vw AS (SELECT date, sum(ret * cap) / sum(cap) AS market FROM d WHERE cap IS NOT NULL GROUP BY date)
            SELECT ff.smb, ff.hml, ff.umd, t.size, t.value, t.momentum, ff.mktrf + ff.rf, vw.market
            FROM read_parquet('{Parquet.Glob(market.TenYears, "famafrench/factors_daily")}') ff
            JOIN read_parquet('{Parquet.Glob(market.TenYears, "truth/factor_returns")}') t USING (date)
            JOIN vw USING (date)
            """);
        var incomplete = rows.Count(r => r.Any(v => v is null));
        Assert.True(incomplete == 0, $"{incomplete} of {rows.Count} factor days have an empty portfolio");
        Assert.True(rows.Count > 1800, $"{rows.Count} factor days (July 2017 onward: the first June with two fiscal years of accounts)");
        double Corr(int a, int b) => Correlation.Pearson(rows.Select(r => (double)r[a]!), rows.Select(r => (double)r[b]!));
        Assert.True(Corr(0, 3) < -0.5, $"SMB vs planted size: {Corr(0, 3):F3}");
        Assert.True(Corr(1, 4) > 0.5, $"HML vs planted value: {Corr(1, 4):F3}");
        Assert.True(Corr(2, 5) > 0.3, $"UMD vs planted momentum: {Corr(2, 5):F3}");
        // Mkt-RF + RF is the value-weighted return with previous-close weights, recomputed here in SQL.
        var worst = rows.Max(r => Math.Abs((double)r[6]! - (double)r[7]!));
        Assert.True(worst < 1e-7, $"Mkt-RF + RF differs from the value-weighted market by up to {worst:E2}");
    }

    [Fact]
    public void Intraday_volume_is_U_shaped_and_trades_bounce_between_bid_and_ask()
    {
        var trades = Parquet.Glob(market.TenYears, "taq/trades");
        var buckets = Parquet.Query($"""
            SELECT floor((time_m_us - 34200000000) / 1800000000) AS half_hour, sum(size)::DOUBLE
            FROM read_parquet('{trades}') GROUP BY 1 ORDER BY 1
            """).Select(r => Convert.ToDouble(r[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(13, buckets.Count);
        var middle = buckets.Skip(4).Take(5).Average();
        Assert.True(buckets[0] > 1.5 * middle && buckets[^1] > 1.5 * middle, $"first {buckets[0]}, middle {middle}, last {buckets[^1]}");

        // Bid-ask bounce: consecutive trade-price changes are negatively autocorrelated (Roll 1984).
        var changes = Parquet.Query($"""
            SELECT price - lag(price) OVER (PARTITION BY sym_root, date ORDER BY time_m_us) AS d
            FROM read_parquet('{trades}') QUALIFY d IS NOT NULL
            """).Select(r => (double)r[0]!).ToArray();
        var autocorrelation = Correlation.Pearson(changes.Skip(1), changes.Take(changes.Length - 1));
        Assert.True(autocorrelation < -0.2, $"first-order autocorrelation of trade price changes {autocorrelation:F3}");
    }
}
