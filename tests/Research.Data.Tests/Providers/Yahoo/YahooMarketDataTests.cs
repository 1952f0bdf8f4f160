using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Research.Data.Fetching;
using Research.Data.Providers.Yahoo;
using Research.Testing;

namespace Research.Data.Tests.Providers.Yahoo;

/// <summary>
/// The Yahoo provider over its Parquet cache, against the local stub of the chart endpoint serving the recorded
/// responses in ../shared/data/yahoo_chart (cut to each request's range) and injected faults.
/// </summary>
public sealed class YahooMarketDataTests : IDisposable
{
    private static readonly YahooClientOptions Fast = new() { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromSeconds(5), RequestsPerSecond = 100 };
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("yahoo-cache");
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    /// <summary>The provider with a clock on <paramref name="today"/> (New York) and a client that retries on real time.</summary>
    private YahooMarketData Provider(YahooStub stub, DateOnly today, bool offline = false) => new(
        offline ? null : new YahooChartClient(_http, Fast with { BaseAddress = stub.Address }, TimeProvider.System),
        new YahooHistoryCache(_dir.Combine("cache")),
        new FakeTimeProvider(new DateTimeOffset(today.ToDateTime(new TimeOnly(17, 0)), TimeSpan.Zero)));

    private static readonly DateOnly AppleFrom = new(2020, 8, 31);
    private static readonly DateOnly AppleTo = new(2020, 11, 6);

    /// <summary>Closes and dividends read straight from the recorded JSON, without the parser under test.</summary>
    private static (Dictionary<DateOnly, double> Close, Dictionary<DateOnly, double> AdjClose, Dictionary<DateOnly, double> Dividends, List<(DateOnly Date, double Ratio)> Splits) Raw(string file)
    {
        var result = JsonNode.Parse(YahooStub.Recorded(file))!["chart"]!["result"]![0]!;
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        DateOnly Day(long unix) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(unix), newYork).DateTime);
        var stamps = result["timestamp"]!.AsArray().Select(t => Day(t!.GetValue<long>())).ToList();
        var close = result["indicators"]!["quote"]![0]!["close"]!.AsArray();
        var adj = result["indicators"]!["adjclose"]![0]!["adjclose"]!.AsArray();
        var events = result["events"];
        return (
            stamps.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => close[p.i]!.GetValue<double>()),
            stamps.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => adj[p.i]!.GetValue<double>()),
            events?["dividends"]?.AsObject().ToDictionary(e => Day(e.Value!["date"]!.GetValue<long>()), e => e.Value!["amount"]!.GetValue<double>()) ?? [],
            events?["splits"]?.AsObject().Select(e => (Day(e.Value!["date"]!.GetValue<long>()), e.Value!["numerator"]!.GetValue<double>() / e.Value!["denominator"]!.GetValue<double>())).ToList() ?? []);
    }

    [Fact]
    public async Task Apples_split_and_dividend_are_applied_and_total_returns_equal_an_independent_computation()
    {
        await using var stub = new YahooStub().Tape("AAPL", YahooStub.Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json"));
        var history = await Provider(stub, new DateOnly(2020, 11, 9)).DailyAsync("aapl", AppleFrom, AppleTo, TestContext.Current.CancellationToken);
        var raw = Raw("chart-AAPL-2020-08-31-to-2020-11-07.json");

        Assert.Equal(("AAPL", "yahoo", "USD", false), (history.Symbol, history.Source, history.Currency, history.FromCache));
        Assert.Equal([new CorporateAction(AppleFrom, CorporateActionKind.Split, 4), new CorporateAction(AppleTo, CorporateActionKind.Dividend, 0.205)], history.CorporateActions);
        var dates = raw.Close.Keys.Order().ToList();
        Assert.Equal(dates, history.Bars.Select(b => b.Date));
        Assert.Null(history.Bars[0].Ret); // the first bar has no previous close in range
        for (var i = 1; i < dates.Count; i++)
        {
            var (today, before) = (dates[i], dates[i - 1]);
            var expected = ((raw.Close[today] + raw.Dividends.GetValueOrDefault(today)) / raw.Close[before]) - 1; // CRSP's ret on split-adjusted closes
            Assert.Equal(expected, history.Bars[i].Ret!.Value, 12);
            Assert.Equal((raw.Close[today] / raw.Close[before]) - 1, history.Bars[i].RetX!.Value, 12);
            var yahoo = (raw.AdjClose[today] / raw.AdjClose[before]) - 1;
            // Yahoo's adjclose agrees to its float precision except on the ex-date, where its multiplier convention
            // (1 - d / close_{t-1}) differs from (close + d) / close_{t-1} by about (d / close) x ret.
            var tolerance = raw.Dividends.TryGetValue(today, out var dividend) ? (dividend / raw.Close[before] * Math.Abs(expected)) + 1e-6 : 1e-6;
            Assert.InRange(history.Bars[i].Ret!.Value - yahoo, -tolerance, tolerance);
        }

        var exDate = history.Bars[^1];
        Assert.Equal(0.205, exDate.Dividend);
        Assert.Equal(((118.69000244140625 + 0.205) / raw.Close[dates[^2]]) - 1, exDate.Ret!.Value, 12);
        Assert.Contains(history.Warnings, w => w.Contains("survivorship bias", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nvidias_split_mid_range_is_no_return_and_as_traded_prices_reconstruct_with_its_ratio()
    {
        const string file = "historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json";
        await using var stub = new YahooStub().Tape("NVDA", YahooStub.Recorded(file));
        var history = await Provider(stub, new DateOnly(2022, 2, 1)).DailyAsync("NVDA", new DateOnly(2021, 2, 1), new DateOnly(2022, 1, 31), TestContext.Current.CancellationToken);
        var raw = Raw(file);
        var (splitDate, ratio) = Assert.Single(raw.Splits);
        Assert.Equal((new DateOnly(2021, 7, 20), 4.0), (splitDate, ratio));
        var split = Assert.Single(history.Bars, b => b.SplitRatio is not null);
        Assert.Equal((splitDate, 4.0), (split.Date, split.SplitRatio!.Value));

        // As traded, the day before the split closed at 4x Yahoo's split-adjusted close: the return over the split is
        // (close_t x 4) / (4 x close_{t-1}) - 1 on the traded prices, never -75%.
        var before = history.Bars[history.Bars.ToList().IndexOf(split) - 1];
        var tradedBefore = raw.Close[before.Date] * ratio;
        Assert.Equal((raw.Close[splitDate] * ratio / tradedBefore) - 1, split.Ret!.Value, 12);
        Assert.InRange(split.Ret!.Value, -0.2, 0.2);
    }

    [Fact]
    public async Task A_rerun_is_served_from_the_cache_without_a_request_and_offline_too()
    {
        await using var stub = new YahooStub().Tape("AAPL", YahooStub.Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json"));
        var ct = TestContext.Current.CancellationToken;
        var first = await Provider(stub, new DateOnly(2020, 11, 9)).DailyAsync("AAPL", AppleFrom, AppleTo, ct);
        Assert.Single(stub.Requests);

        var provider = Provider(stub, new DateOnly(2020, 11, 9));
        var again = await provider.DailyAsync("AAPL", new DateOnly(2020, 9, 1), AppleTo, ct);
        Assert.Single(stub.Requests); // no second request
        Assert.Equal(0, provider.Requests);
        Assert.True(again.FromCache);
        Assert.Equal(first.Bars.Skip(1), again.Bars);

        var offline = await Provider(stub, new DateOnly(2020, 11, 20), offline: true).DailyAsync("AAPL", AppleFrom, new DateOnly(2020, 11, 19), ct);
        Assert.Equal(("cache", 49), (offline.Source, offline.Bars.Count));
        Assert.Contains(offline.Warnings, w => w.Contains("the cache ends on 2020-11-06", StringComparison.Ordinal));
        var missing = await Assert.ThrowsAsync<SymbolNotFoundException>(() => Provider(stub, new DateOnly(2020, 11, 9), offline: true).DailyAsync("MSFT", AppleFrom, AppleTo, ct));
        Assert.Contains("MSFT: not in the Yahoo cache", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_out_and_retried()
    {
        await using var stub = new YahooStub().Tape("AAPL", YahooStub.Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json")).Fail(429, "Too Many Requests", retryAfter: "1");
        var history = await Provider(stub, new DateOnly(2020, 11, 9)).DailyAsync("AAPL", AppleFrom, AppleTo, TestContext.Current.CancellationToken);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(49, history.Bars.Count);
    }

    [Theory]
    [InlineData(200, "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"AAPL\"", "not valid JSON")]
    [InlineData(200, "{\"chart\":{\"result\":[],\"error\":null}}", "has no result")]
    [InlineData(500, "oops", "HTTP 500")]
    public async Task A_truncated_empty_or_failing_answer_names_the_symbol_and_leaves_the_cache_as_it_was(int status, string body, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stub = new YahooStub().Tape("AAPL", YahooStub.Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json"));
        await Provider(stub, new DateOnly(2020, 10, 1)).DailyAsync("AAPL", AppleFrom, new DateOnly(2020, 9, 30), ct);
        var cache = new YahooHistoryCache(_dir.Combine("cache"));
        var (parquet, json) = cache.Files("AAPL");
        var before = (await File.ReadAllBytesAsync(parquet, ct), await File.ReadAllBytesAsync(json, ct));

        for (var i = 0; i <= (status == 500 ? Fast.MaxRetries : 0); i++)
        {
            stub.Fail(status, body);
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Provider(stub, new DateOnly(2020, 11, 9)).DailyAsync("AAPL", AppleFrom, AppleTo, ct));
        Assert.Contains("AAPL", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(before.Item1, await File.ReadAllBytesAsync(parquet, ct));
        Assert.Equal(before.Item2, await File.ReadAllBytesAsync(json, ct));
        Assert.Equal(new DateOnly(2020, 9, 30), (await cache.ReadAsync("AAPL", ct))!.To);
    }

    [Fact]
    public async Task An_unknown_symbol_is_not_found_naming_it()
    {
        await using var stub = new YahooStub();
        var error = await Assert.ThrowsAsync<SymbolNotFoundException>(() => Provider(stub, new DateOnly(2020, 11, 9)).DailyAsync("NOSUCH", AppleFrom, AppleTo, TestContext.Current.CancellationToken));
        Assert.Contains("Yahoo has no data for NOSUCH", error.Message, StringComparison.Ordinal);
        Assert.Contains("symbol may be delisted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_run_asks_only_for_the_new_days_and_a_new_dividend_refetches_the_readjusted_history()
    {
        var ct = TestContext.Current.CancellationToken;
        var days = Research.Core.Calendars.NyseCalendar.Instance.Sessions(new DateOnly(2024, 1, 2), new DateOnly(2024, 3, 28));
        List<(DateOnly, double, double, long)> Bars(double multiplierBeforeMarch) =>
            [.. days.Select((d, i) => (d, 100.0 + i, (100.0 + i) * (d.Month < 3 ? multiplierBeforeMarch : 1), 1000L))];
        await using var stub = new YahooStub().Tape("TEST", YahooStub.Chart("TEST", "USD", Bars(1).Where(b => b.Item1 <= new DateOnly(2024, 1, 31))));
        await Provider(stub, new DateOnly(2024, 2, 1)).DailyAsync("TEST", days[0], new DateOnly(2024, 1, 31), ct);
        Assert.Contains("period1=1704153600", stub.Requests[0], StringComparison.Ordinal); // 2024-01-02

        // February arrives, no corporate action: one request from the last cached day (a check bar) on, bars appended.
        stub.Tape("TEST", YahooStub.Chart("TEST", "USD", Bars(1).Where(b => b.Item1 <= new DateOnly(2024, 2, 29))));
        var february = await Provider(stub, new DateOnly(2024, 3, 1)).DailyAsync("TEST", days[0], new DateOnly(2024, 2, 29), ct);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Contains("period1=1706659200", stub.Requests[1], StringComparison.Ordinal); // 2024-01-31, the last cached day
        Assert.Equal(days.Where(d => d <= new DateOnly(2024, 2, 29)), february.Bars.Select(b => b.Date));
        Assert.Equal((101.0 / 100) - 1, february.Bars[1].Ret!.Value, 14);

        // March brings a dividend, and Yahoo re-adjusts every earlier adjclose: the whole range is fetched again.
        stub.Tape("TEST", YahooStub.Chart("TEST", "USD", Bars(0.99), dividends: [(new DateOnly(2024, 3, 1), 1.0)]));
        var march = await Provider(stub, new DateOnly(2024, 3, 29)).DailyAsync("TEST", days[0], new DateOnly(2024, 3, 28), ct);
        Assert.Equal(4, stub.Requests.Count); // the extension, then the whole history
        Assert.Contains("period1=1704153600", stub.Requests[3], StringComparison.Ordinal);
        var cached = await new YahooHistoryCache(_dir.Combine("cache")).ReadAsync("TEST", ct);
        Assert.Equal(100.0 * 0.99, cached!.Series.Bars[0].AdjustedClose!.Value, 12);
        var exDate = march.Bars.Single(b => b.Dividend is not null);
        var previous = march.Bars[march.Bars.ToList().IndexOf(exDate) - 1];
        Assert.Equal(((exDate.Close!.Value + 1.0) / previous.Close!.Value) - 1, exDate.Ret!.Value, 14);
    }

    [Fact]
    public async Task Pence_are_stored_and_served_in_pounds_with_a_warning_that_says_so()
    {
        await using var stub = new YahooStub().Tape("OCDO.L", YahooStub.Recorded("chart-OCDO.L-2020-01-01-to-2020-01-03.json"));
        var history = await Provider(stub, new DateOnly(2020, 1, 6)).DailyAsync("OCDO.L", new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 3), TestContext.Current.CancellationToken);
        Assert.Equal("GBP", history.Currency);
        Assert.InRange(history.Bars.Single().Close!.Value, 5, 30);
        Assert.Contains(history.Warnings, w => w.Contains("quoted in GBp; prices and dividends were divided by 100 into GBP", StringComparison.Ordinal));
        var cached = await new YahooHistoryCache(_dir.Combine("cache")).ReadAsync("OCDO.L", TestContext.Current.CancellationToken);
        Assert.Equal(("GBp", 100.0), (cached!.Series.QuotedCurrency, cached.Series.UnitScale));
    }
}
