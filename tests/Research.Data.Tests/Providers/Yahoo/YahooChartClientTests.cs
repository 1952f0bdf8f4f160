using Research.Data.Providers.Yahoo;
using Research.Testing;

namespace Research.Data.Tests.Providers.Yahoo;

/// <summary>
/// The Yahoo client against the local stub HTTP server (<see cref="YahooStub"/>) serving recorded chart responses
/// and injected faults: 429 with Retry-After, 500s, a truncated body, an unknown symbol.
/// </summary>
public sealed class YahooChartClientTests
{
    private static readonly YahooClientOptions Fast = new() { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromSeconds(2), RequestsPerSecond = 50 };

    /// <summary>The shared stub with these replies queued, served in order before anything else.</summary>
    private static YahooStub StubServer(params (int Status, string Body, string? RetryAfter)[] replies)
    {
        var stub = new YahooStub();
        foreach (var (status, body, retryAfter) in replies)
        {
            stub.Fail(status, body, retryAfter);
        }

        return stub;
    }

    private static string Recorded(string file) => YahooStub.Recorded(file);

    private static YahooChartClient Client(YahooStub server, HttpClient http) => new(http, Fast with { BaseAddress = server.Address }, TimeProvider.System);

    [Fact]
    public async Task A_429_with_Retry_After_and_a_500_are_retried_and_the_recorded_series_arrives()
    {
        var body = Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json");
        await using var server = StubServer((429, "Too Many Requests", "1"), (500, "oops", null), (200, body, null));
        using var http = new HttpClient();
        using var client = Client(server, http);
        var series = await client.DailyAsync("AAPL", new DateOnly(2020, 8, 31), new DateOnly(2020, 11, 6), TestContext.Current.CancellationToken);

        Assert.Equal(49, series.Bars.Count);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("/v8/finance/chart/AAPL?period1=1598832000&period2=1604707200&interval=1d&events=div%2Csplits", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_past_the_retries_fail_naming_the_url_and_the_status()
    {
        await using var server = StubServer((503, "down", null), (503, "down", null), (503, "down", null), (503, "down", null));
        using var http = new HttpClient();
        using var client = Client(server, http);
        var error = await Assert.ThrowsAsync<YahooChartException>(() => client.DailyAsync("MSFT", new DateOnly(2021, 2, 1), new DateOnly(2021, 3, 1), TestContext.Current.CancellationToken));
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 retries", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port}/v8/finance/chart/MSFT", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task An_unknown_symbol_a_truncated_body_and_an_empty_result_fail_at_once_with_what_went_wrong()
    {
        var recorded = Recorded("chart-AAPL-2020-01-01-to-2020-01-03.json");
        await using var server = StubServer(
            (404, """{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}""", null),
            (200, recorded[..(recorded.Length / 2)], null),
            (200, """{"chart":{"result":[],"error":null}}""", null));
        using var http = new HttpClient();
        using var client = Client(server, http);
        var ct = TestContext.Current.CancellationToken;
        var (from, to) = (new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 3));

        Assert.Contains("No data found, symbol may be delisted", (await Assert.ThrowsAsync<YahooChartException>(() => client.DailyAsync("NOPE", from, to, ct))).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", (await Assert.ThrowsAsync<YahooChartException>(() => client.DailyAsync("AAPL", from, to, ct))).Message, StringComparison.Ordinal);
        Assert.Contains("has no result", (await Assert.ThrowsAsync<YahooChartException>(() => client.DailyAsync("AAPL", from, to, ct))).Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count); // none of them retried: the answer would not change
        await Assert.ThrowsAsync<ArgumentException>(() => client.DailyAsync("AAPL", to, from, ct));
    }
}
