using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Research.Core.Calendars;
using Research.Data.Fetching;
using Research.Data.Providers.Crsp;
using Research.Data.Providers.Yahoo;
using Research.Data.Synthetic;
using Research.Data.Tests.Providers;
using Research.Testing;
using ParquetQuery = Research.Data.Tests.Synthetic.Parquet;

namespace Research.Data.Tests.Fetching;

/// <summary>
/// The fetcher over CRSP in a synthetic warehouse, the synthetic market's own files and a Yahoo stub: the fallback chain
/// fills only the sessions still missing, records who served what, and counts calls, cache hits and failures.
/// </summary>
public sealed class MarketDataFetcherTests : IAsyncLifetime
{
    private static readonly SyntheticMarketOptions Options = new() { Stocks = 60, Years = 2, Seed = 77, IntradaySymbols = 0 };
    private SyncedSyntheticWarehouse _synced = null!;
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync() =>
        _synced = await SyncedSyntheticWarehouse.CreateAsync(Options, "crsp/daily", "crsp/names", "crsp/delisting");

    public ValueTask DisposeAsync()
    {
        _synced.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static readonly DateOnly December = new(2024, 12, 2);
    private static readonly DateOnly January = new(2025, 1, 31);

    /// <summary>A ticker listed through the last synthetic day, and that day.</summary>
    private (string Ticker, DateOnly Last) Survivor()
    {
        var daily = ParquetQuery.Glob(_synced.Market, "crsp/daily");
        var names = ParquetQuery.Glob(_synced.Market, "crsp/names");
        var row = ParquetQuery.Query($"""
            SELECT n.ticker, d.date FROM read_parquet('{daily}') d JOIN read_parquet('{names}') n ON n.permno = d.permno AND d.date BETWEEN n.namedt AND n.nameendt
            WHERE d.date = (SELECT max(date) FROM read_parquet('{daily}')) AND d.prc IS NOT NULL
              AND n.permno NOT IN (SELECT permno FROM read_parquet('{names}') WHERE namedt > DATE '2024-11-01')
            ORDER BY n.permno LIMIT 1
            """)[0];
        return ((string)row[0]!, (DateOnly)row[1]!);
    }

    private YahooMarketData Yahoo(YahooStub stub, string cache) => new(
        new YahooChartClient(_http, new YahooClientOptions { BaseAddress = stub.Address, RequestsPerSecond = 100, MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(5) }, TimeProvider.System),
        new YahooHistoryCache(cache),
        new FakeTimeProvider(new DateTimeOffset(2025, 2, 3, 17, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task Yahoo_fills_only_the_sessions_after_CRSP_ends_and_each_bar_says_who_served_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (ticker, last) = Survivor();
        Assert.Equal(new DateOnly(2024, 12, 31), last);
        var january = NyseCalendar.Instance.Sessions(new DateOnly(2024, 12, 20), January);
        await using var stub = new YahooStub().Tape(ticker, YahooStub.Chart(ticker, "USD", january.Select((d, i) => (d, 50.0 + i, 50.0 + i, 10_000L))));
        using var session = _synced.Warehouse.Open();
        using var metrics = new FetcherMetrics();
        var fetcher = new MarketDataFetcher([CrspMarketData.Warehouse(session), Yahoo(stub, Path.Combine(_synced.Warehouse.Layout.Root, "yc"))], metrics);

        var fetched = await fetcher.FetchAsync(ticker, December, January, ct);

        Assert.Equal(NyseCalendar.Instance.Sessions(December, January), fetched.Bars.Select(b => b.Bar.Date));
        Assert.Equal(
            [new SourceSpan("crsp", December, last, NyseCalendar.Instance.Sessions(December, last).Count, false), new SourceSpan("yahoo", new DateOnly(2025, 1, 2), January, 20, false)],
            fetched.Sources);
        Assert.All(fetched.Bars, b => Assert.Equal(b.Bar.Date <= last ? "crsp" : "yahoo", b.Source));
        var request = Assert.Single(stub.Requests);
        Assert.Contains($"period1={new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}", request, StringComparison.Ordinal); // only the missing span
        Assert.Contains(fetched.Warnings, w => w.Contains("survivorship bias", StringComparison.Ordinal));

        // CRSP's bars are CRSP's rows: as-traded price and ret straight from the file.
        var daily = ParquetQuery.Glob(_synced.Market, "crsp/daily");
        var crspRows = ParquetQuery.Query($"""
            SELECT d.date, abs(d.prc), d.ret FROM read_parquet('{daily}') d
            WHERE d.permno = (SELECT permno FROM read_parquet('{ParquetQuery.Glob(_synced.Market, "crsp/names")}') WHERE ticker = '{ticker}' LIMIT 1) AND d.date >= DATE '2024-12-02' ORDER BY 1
            """);
        Assert.Equal(crspRows.Select(r => ((DateOnly)r[0]!, (double?)r[1], (double?)r[2])), fetched.Bars.Where(b => b.Source == "crsp").Select(b => (b.Bar.Date, b.Bar.Close, b.Bar.Ret)));
    }

    [Fact]
    public async Task A_symbol_no_provider_has_fails_with_every_reason_and_the_metrics_count_calls_hits_and_failures()
    {
        var ct = TestContext.Current.CancellationToken;
        var (ticker, _) = Survivor();
        await using var stub = new YahooStub().Tape(ticker, YahooStub.Chart(ticker, "USD", NyseCalendar.Instance.Sessions(new DateOnly(2025, 1, 2), January).Select(d => (d, 10.0, 10.0, 1L))));
        var measured = new List<(string Instrument, long Value, string Source, string? Reason)>();
        using var metrics = new FetcherMetrics();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name != "research.fetch.latency") // this test's fetcher only: others run in parallel
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? source = null, reason = null;
            foreach (var tag in tags)
            {
                source = tag.Key == "source" ? tag.Value as string : source;
                reason = tag.Key == "reason" ? tag.Value as string : reason;
            }

            lock (measured)
            {
                measured.Add((instrument.Name, value, source!, reason));
            }
        });
        listener.Start();
        using var session = _synced.Warehouse.Open();
        var fetcher = new MarketDataFetcher([CrspMarketData.Warehouse(session), Yahoo(stub, Path.Combine(_synced.Warehouse.Layout.Root, "yc"))], metrics);

        var error = await Assert.ThrowsAsync<SymbolNotFoundException>(() => fetcher.FetchAsync("NOSUCH", December, January, ct));
        Assert.Contains("No provider had NOSUCH", error.Message, StringComparison.Ordinal);
        Assert.Contains("crsp: No security carried the ticker NOSUCH", error.Message, StringComparison.Ordinal);
        Assert.Contains("yahoo: Yahoo has no data for NOSUCH", error.Message, StringComparison.Ordinal);

        await fetcher.FetchAsync(ticker, December, January, ct);
        await fetcher.FetchAsync(ticker, December, January, ct); // Yahoo's part from its cache now
        listener.Dispose();
        long Sum(string name, string source, string? reason = null) => measured.Where(m => m.Instrument == name && m.Source == source && (reason is null || m.Reason == reason)).Sum(m => m.Value);
        Assert.Equal((3, 3), (Sum("research.fetch.calls", "crsp"), Sum("research.fetch.calls", "yahoo")));
        Assert.Equal((1, 1), (Sum("research.fetch.failures", "crsp", "not_found"), Sum("research.fetch.failures", "yahoo", "not_found")));
        Assert.Equal((0, 1), (Sum("research.fetch.cache_hits", "crsp"), Sum("research.fetch.cache_hits", "yahoo")));
    }

    [Fact]
    public async Task The_synthetic_provider_serves_the_markets_own_files_like_CRSP_serves_the_synced_copy()
    {
        var ct = TestContext.Current.CancellationToken;
        var (ticker, last) = Survivor();
        using var session = _synced.Warehouse.Open();
        using var synthetic = await SyntheticMarketData.OpenAsync(_synced.Source, ct);
        var crsp = CrspMarketData.Warehouse(session);
        var from = new DateOnly(2023, 1, 3);
        Assert.Equal((await crsp.DailyAsync(ticker, from, last, ct)).Bars, (await synthetic.DailyAsync(ticker, from, last, ct)).Bars);
        Assert.Equal(await crsp.UniverseAsync(last, ct), await synthetic.UniverseAsync(last, ct));
        Assert.Equal("synthetic", synthetic.Name);
    }

    [Fact]
    public async Task Recovered_splits_and_dividends_reconcile_CRSPs_traded_prices_with_its_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var session = _synced.Warehouse.Open();
        var crsp = CrspMarketData.Warehouse(session);
        var (splits, dividends) = (0, 0);
        foreach (var ticker in (await crsp.UniverseAsync(new DateOnly(2024, 6, 28), ct)).Take(60))
        {
            var bars = (await crsp.DailyAsync(ticker, new DateOnly(2023, 1, 3), new DateOnly(2024, 12, 31), ct)).Bars;
            for (var i = 1; i < bars.Count; i++)
            {
                var (today, before) = (bars[i], bars[i - 1]);
                if (today.Close is not { } close || before.Close is not { } previous || today.RetX is not { } retx || today.Ret is not { } ret)
                {
                    continue;
                }

                // As traded: a split multiplies the share count, so retx = close x ratio / previous - 1, and ret adds the dividend.
                var ratio = today.SplitRatio ?? 1;
                Assert.Equal(retx, (close * ratio / previous) - 1, tolerance: 1e-3); // prices are rounded to 4 decimals

                Assert.Equal(ret, (((close * ratio) + (today.Dividend ?? 0)) / previous) - 1, tolerance: 1e-3);
                splits += today.SplitRatio is null ? 0 : 1;
                dividends += today.Dividend is null ? 0 : 1;
            }
        }

        Assert.True(splits > 0 && dividends > 0, $"the market should plant splits ({splits}) and dividends ({dividends})");
    }

    [Fact]
    public void The_chain_is_read_from_configuration_and_a_wrong_one_is_refused_naming_it()
    {
        Assert.Equal(["crsp", "yahoo", "cache"], new FetcherSettings().Providers(warehouseHasCrsp: true));
        Assert.Equal(["yahoo", "cache"], new FetcherSettings().Providers(warehouseHasCrsp: false));
        Assert.Equal(["synthetic", "yahoo"], new FetcherSettings { Chain = "Synthetic, yahoo" }.Providers(true));
        Assert.Contains("unknown provider(s) bloomberg", Assert.Throws<ArgumentException>(() => new FetcherSettings { Chain = "crsp,bloomberg" }.Providers(true)).Message, StringComparison.Ordinal);
        Assert.Contains("names a provider twice", Assert.Throws<ArgumentException>(() => new FetcherSettings { Chain = "yahoo,yahoo" }.Providers(true)).Message, StringComparison.Ordinal);
    }
}
