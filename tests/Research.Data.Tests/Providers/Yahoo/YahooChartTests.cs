using Research.Data.Providers.Yahoo;
using Research.Testing;

namespace Research.Data.Tests.Providers.Yahoo;

/// <summary>The chart parser on recorded Yahoo responses (../shared/data/yahoo_chart) and on broken bodies.</summary>
public sealed class YahooChartTests
{
    private static YahooChartSeries Recorded(string file)
    {
        var path = Path.Combine(TestEnvironment.RequireRealData(), "yahoo_chart", "node-yahoo-finance2", "response_bodies", file);
        return YahooChart.Parse(File.ReadAllText(path), path);
    }

    [Fact]
    public void Apples_2020_split_and_dividend_are_read_with_dates_in_New_York_and_split_adjusted_closes()
    {
        var aapl = Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json");
        Assert.Equal(("AAPL", "USD", 1.0, "America/New_York"), (aapl.Symbol, aapl.Currency, aapl.UnitScale, aapl.ExchangeTimeZone));
        Assert.Equal(new YahooSplit(new DateOnly(2020, 8, 31), 4, 1), Assert.Single(aapl.Splits));
        Assert.Equal(new YahooDividend(new DateOnly(2020, 11, 6), 0.205), Assert.Single(aapl.Dividends));
        Assert.Equal(49, aapl.Bars.Count);
        Assert.Equal(new DateOnly(2020, 8, 31), aapl.Bars[0].Date); // 13:30 UTC is 09:30 in New York: the same day
        Assert.Equal(new DateOnly(2020, 11, 6), aapl.Bars[^1].Date);
        Assert.Equal(129.0399932861328, aapl.Bars[0].Close!.Value, 12); // already divided by 4 (adjusted to the recording day)
        Assert.Equal(125.82673645019531, aapl.Bars[0].AdjustedClose!.Value, 12); // and for the dividends since
        Assert.True(aapl.Bars.All(b => b.Volume > 0 && b.High >= b.Low));
        Assert.Equal(aapl.Bars.Select(b => b.Date).Order(), aapl.Bars.Select(b => b.Date));
    }

    [Fact]
    public void Pence_become_pounds_and_a_year_of_dividends_arrives_in_date_order()
    {
        var ocado = Recorded("chart-OCDO.L-2020-01-01-to-2020-01-03.json");
        Assert.Equal(("GBp", "GBP", 100.0, "Europe/London"), (ocado.QuotedCurrency, ocado.Currency, ocado.UnitScale, ocado.ExchangeTimeZone));
        Assert.InRange(ocado.Bars.Single().Close!.Value, 5, 30); // about £12.7 a share, quoted as some 1,270 pence

        var msft = Recorded("historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json");
        Assert.Equal(4, msft.Dividends.Count); // quarterly
        Assert.Equal(msft.Dividends.OrderBy(d => d.Date), msft.Dividends);
        Assert.All(msft.Dividends, d => Assert.InRange(d.Amount, 0.5, 0.7));
        Assert.Empty(Recorded("historical-via-chart-dividends-TSLA-no-dividends.json").Dividends);
    }

    [Theory]
    [InlineData("{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"X\"", "not valid JSON")]
    [InlineData("<html><body>Too Many Requests</body></html>", "not valid JSON")]
    [InlineData("{\"finance\":{}}", "no 'chart' object")]
    [InlineData("{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\",\"description\":\"No data found, symbol may be delisted\"}}}", "error Not Found: No data found, symbol may be delisted")]
    [InlineData("{\"chart\":{\"result\":[],\"error\":null}}", "has no result")]
    [InlineData("{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"X\",\"currency\":\"USD\"},\"timestamp\":[1,2],\"indicators\":{\"quote\":[{\"close\":[1.0]}]}}],\"error\":null}}", "2 timestamps but 1 'close' values")]
    public void A_broken_body_is_refused_naming_the_source_and_what_is_wrong(string body, string expected)
    {
        var error = Assert.Throws<YahooChartException>(() => YahooChart.Parse(body, "https://stub/v8/finance/chart/X"));
        Assert.StartsWith("https://stub/v8/finance/chart/X: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_halted_day_keeps_its_missing_prices_missing()
    {
        var series = YahooChart.Parse("""
            {"chart":{"result":[{"meta":{"symbol":"H","currency":"USD","exchangeTimezoneName":"America/New_York"},
            "timestamp":[1577975400,1578061800],"indicators":{"quote":[{"open":[10.0,null],"high":[11.0,null],"low":[9.5,null],"close":[10.5,null],"volume":[1000,null]}],
            "adjclose":[{"adjclose":[10.4,null]}]}}],"error":null}}
            """, "halted");
        Assert.Equal(new YahooBar(new DateOnly(2020, 1, 3), null, null, null, null, null, null), series.Bars[1]);
        Assert.Equal(new YahooBar(new DateOnly(2020, 1, 2), 10.0, 11.0, 9.5, 10.5, 10.4, 1000), series.Bars[0]);
    }
}
