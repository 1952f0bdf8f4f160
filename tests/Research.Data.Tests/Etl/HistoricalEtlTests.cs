using Microsoft.Extensions.Time.Testing;
using Research.Core.Calendars;
using Research.Data.Etl;
using Research.Data.Fetching;
using Research.Data.Providers.Yahoo;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Data.Tests.Etl;

/// <summary>
/// The ETL from a Yahoo stub into the versioned warehouse: a first load, an incremental run that appends only the new
/// sessions, a rerun that publishes nothing, a failing symbol that publishes nothing, and the views over the result.
/// </summary>
public sealed class HistoricalEtlTests : IDisposable
{
    private static readonly string[] Symbols = ["AAA", "BBB", "CCC"];
    private static readonly DateOnly Start = new(2024, 1, 2);
    private readonly TestWarehouse _warehouse = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _warehouse.Dispose();
    }

    /// <summary>Bars for every session through <paramref name="through"/>, each symbol on its own price path, plus a Saturday bar for CCC.</summary>
    private static void Tapes(YahooStub stub, DateOnly through)
    {
        var sessions = NyseCalendar.Instance.Sessions(Start, through);
        for (var s = 0; s < Symbols.Length; s++)
        {
            var k = s;
            var bars = sessions.Select((d, i) => (d, Close: 20.0 * (k + 1) * (1 + (0.001 * i) + (0.01 * Math.Sin(i + k))), Volume: 1000L * (k + 1))).Select(b => (b.d, b.Close, b.Close, b.Volume)).ToList();
            if (Symbols[k] == "CCC")
            {
                bars.Add((new DateOnly(2024, 1, 6), 61.0, 61.0, 5L)); // a Saturday: not an NYSE session
                bars = [.. bars.OrderBy(b => b.d)];
            }

            stub.Tape(Symbols[k], YahooStub.Chart(Symbols[k], "USD", bars));
        }
    }

    private HistoricalEtl Etl(YahooStub stub, DateOnly today, FetcherMetrics metrics, out YahooMarketData yahoo)
    {
        yahoo = new YahooMarketData(
            new YahooChartClient(_http, new YahooClientOptions { BaseAddress = stub.Address, RequestsPerSecond = 100, MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(5) }, TimeProvider.System),
            new YahooHistoryCache(MarketDataChain.DefaultYahooCache(_warehouse.Layout)),
            new FakeTimeProvider(new DateTimeOffset(today.ToDateTime(new TimeOnly(17, 0)), TimeSpan.Zero)));
        return new HistoricalEtl(_warehouse.Layout, new MarketDataFetcher([yahoo], metrics), _warehouse.Clock);
    }

    private List<object?[]> Rows(string sql)
    {
        using var session = _warehouse.Open();
        return [.. session.Query(sql).Rows];
    }

    [Fact]
    public async Task Incremental_runs_append_only_the_new_sessions_and_a_rerun_with_nothing_new_publishes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var metrics = new FetcherMetrics();
        await using var stub = new YahooStub();
        Tapes(stub, new DateOnly(2024, 2, 29));
        var february = NyseCalendar.Instance.Sessions(Start, new DateOnly(2024, 2, 29)).Count;

        var first = await Etl(stub, new DateOnly(2024, 3, 1), metrics, out _).RunAsync(new EtlRequest("yahoo/daily", Symbols, Start, new DateOnly(2024, 2, 29)), "tests", cancellationToken: ct);
        Assert.NotNull(first.Published);
        Assert.Equal((3L * february, 3 * february, 1, "2024-02-29"), (first.Rows, first.NewRows, first.DroppedNonSessions, first.Watermark));
        Assert.Equal(3L * february, Convert.ToInt64(Rows("SELECT count(*) FROM yahoo.daily")[0][0]));
        var manifest = new WarehouseCatalog(_warehouse.Layout).ReadCurrent("yahoo/daily")!;
        Assert.Contains("WARNING: Yahoo data is for development only", manifest.Source, StringComparison.Ordinal);
        var before = Rows("SELECT symbol, date, close, ret FROM yahoo.daily ORDER BY symbol, date");

        // March arrives: only March's sessions are new; January and February are kept as stored.
        Tapes(stub, new DateOnly(2024, 3, 28));
        _warehouse.Clock.Advance(TimeSpan.FromDays(1));
        var march = NyseCalendar.Instance.Sessions(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 28)).Count;
        var second = await Etl(stub, new DateOnly(2024, 3, 29), metrics, out _).RunAsync(new EtlRequest("yahoo/daily", Symbols, Start, new DateOnly(2024, 3, 28)), "tests", cancellationToken: ct);
        Assert.NotEqual(first.Published, second.Published);
        Assert.Equal((3L * (february + march), 3 * march, "2024-03-28"), (second.Rows, second.NewRows, second.Watermark));
        Assert.Equal(before, Rows("SELECT symbol, date, close, ret FROM yahoo.daily WHERE date <= DATE '2024-02-29' ORDER BY symbol, date"));
        var firstOfMarch = Rows("SELECT ret, close FROM yahoo.daily WHERE symbol = 'BBB' AND date = DATE '2024-03-01'")[0];
        var lastOfFebruary = Rows("SELECT close FROM yahoo.daily WHERE symbol = 'BBB' AND date = DATE '2024-02-29'")[0];
        Assert.Equal(((double)firstOfMarch[1]! / (double)lastOfFebruary[0]!) - 1, (double)firstOfMarch[0]!, 12); // the boundary return uses the stored close

        // Nothing new: nothing published, and the cache answered without a request.
        var requests = stub.Requests.Count;
        var third = await Etl(stub, new DateOnly(2024, 3, 29), metrics, out var yahoo).RunAsync(new EtlRequest("yahoo/daily", Symbols, Start, new DateOnly(2024, 3, 28)), "tests", cancellationToken: ct);
        Assert.Null(third.Published);
        Assert.Equal((0, "2024-03-28"), (third.NewRows, third.Watermark));
        Assert.Equal(requests, stub.Requests.Count);
        Assert.Equal(0, yahoo.Requests);
        Assert.Equal(2, DatasetHistory.Read(_warehouse.Layout, "yahoo/daily").Count);
        var run = Assert.Single(HistoricalEtl.LastRuns(_warehouse.Layout));
        Assert.Equal(("yahoo/daily", "nothing new", "2024-03-28"), (run.Dataset, run.Outcome, run.Watermark));
    }

    [Fact]
    public async Task A_symbol_that_fails_publishes_nothing_unless_a_partial_load_is_allowed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var metrics = new FetcherMetrics();
        await using var stub = new YahooStub();
        Tapes(stub, new DateOnly(2024, 1, 31));
        stub.Fail(200, "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"BBB\"", symbol: "BBB"); // truncated
        var request = new EtlRequest("prices/daily", Symbols, Start, new DateOnly(2024, 1, 31));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Etl(stub, new DateOnly(2024, 2, 1), metrics, out _).RunAsync(request, "tests", cancellationToken: ct));
        Assert.Contains("1 of 3 symbol(s) could not be fetched, so nothing was published", error.Message, StringComparison.Ordinal);
        Assert.Contains("BBB", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Null(new WarehouseCatalog(_warehouse.Layout).ReadCurrent("prices/daily"));
        Assert.Null(await new YahooHistoryCache(MarketDataChain.DefaultYahooCache(_warehouse.Layout)).ReadAsync("BBB", ct));
        Assert.Equal("failed", Assert.Single(HistoricalEtl.LastRuns(_warehouse.Layout)).Outcome);

        stub.Fail(404, """{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}""", symbol: "BBB");
        var partial = await Etl(stub, new DateOnly(2024, 2, 1), metrics, out _).RunAsync(request with { AllowPartial = true }, "tests", cancellationToken: ct);
        Assert.Equal("BBB", Assert.Single(partial.Failed).Symbol);
        Assert.Equal(["AAA", "CCC"], Rows("SELECT DISTINCT symbol FROM prices.daily ORDER BY 1").Select(r => (string)r[0]!));

        _warehouse.Clock.Advance(TimeSpan.FromDays(1));

        // The next run brings BBB's whole history: new rows are found per symbol, not after one global date.
        var next = await Etl(stub, new DateOnly(2024, 2, 1), metrics, out _).RunAsync(request, "tests", cancellationToken: ct);
        Assert.Equal(NyseCalendar.Instance.Sessions(Start, new DateOnly(2024, 1, 31)).Count, next.NewRows);
        Assert.Equal(["AAA", "BBB", "CCC"], Rows("SELECT DISTINCT symbol FROM prices.daily ORDER BY 1").Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Yahoo_daily_is_refused_for_a_chain_with_another_provider_and_an_unknown_dataset_is_named()
    {
        using var metrics = new FetcherMetrics();
        await using var stub = new YahooStub();
        var etl = Etl(stub, new DateOnly(2024, 2, 1), metrics, out _);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => etl.RunAsync(new EtlRequest("crsp/daily", Symbols, Start, Start), "tests", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("not 'crsp/daily'", unknown.Message, StringComparison.Ordinal);
        using var session = _warehouse.Open();
        var mixed = new HistoricalEtl(_warehouse.Layout, new MarketDataFetcher([new FakeProvider("crsp")], metrics), _warehouse.Clock);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => mixed.RunAsync(new EtlRequest("yahoo/daily", Symbols, Start, Start), "tests", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("yahoo/daily is loaded from Yahoo and its cache only, not from crsp", refused.Message, StringComparison.Ordinal);
    }

    private sealed class FakeProvider(string name) : IMarketDataProvider
    {
        public string Name => name;

        public Task<PriceHistory> DailyAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) => throw new SymbolNotFoundException(symbol);

        public Task<IReadOnlyList<string>> UniverseAsync(DateOnly date, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>([]);
    }
}
