using Microsoft.Extensions.Time.Testing;
using Research.Data.Fetching;
using Research.Data.Providers.Crsp;
using Research.Data.Providers.Yahoo;
using Research.Data.Synthetic;
using Research.Data.Tests.Providers;
using Research.Testing;

namespace Research.Data.Tests.Fetching;

/// <summary>
/// Yahoo reconciled against CRSP: a Yahoo tape made from the synthetic market's CRSP rows the way Yahoo presents them
/// (closes and dividends adjusted for later splits) agrees everywhere; the same tape with a missing day, a wrong close
/// and a missing dividend is caught at exactly those places.
/// </summary>
public sealed class SourceReconciliationTests : IAsyncLifetime
{
    private static readonly DateOnly From = new(2023, 1, 3);
    private static readonly DateOnly To = new(2024, 12, 31);
    private SyncedSyntheticWarehouse _synced = null!;
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync() =>
        _synced = await SyncedSyntheticWarehouse.CreateAsync(new SyntheticMarketOptions { Stocks = 120, Years = 2, Seed = 31, IntradaySymbols = 0 }, "crsp/daily", "crsp/names", "crsp/delisting");

    public ValueTask DisposeAsync()
    {
        _synced.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_faithful_copy_agrees_and_planted_faults_are_found_where_they_are()
    {
        var ct = TestContext.Current.CancellationToken;
        using var session = _synced.Warehouse.Open();
        var crsp = CrspMarketData.Warehouse(session);
        PriceHistory? reference = null;
        foreach (var ticker in await crsp.UniverseAsync(To, ct))
        {
            var history = await crsp.DailyAsync(ticker, From, To, ct);
            if (history.Bars[0].Date == new DateOnly(2023, 1, 3) && history.Bars.Any(b => b.SplitRatio is not null) && history.Bars.Count(b => b.Dividend is not null) >= 3
                && history.Bars.All(b => b.Close is not null) && history.Bars.All(b => b.SplitRatio is null || b.Dividend is null))
            {
                reference = history;
                break;
            }
        }

        Assert.NotNull(reference);
        var bars = reference.Bars;
        var firstDividend = bars.First(b => b.Dividend is not null).Date;
        var (dropped, wrong) = (100, 200);
        await using var stub = new YahooStub()
            .Tape("CLEAN", YahooStub.AsYahooShowsIt("CLEAN", bars))
            .Tape("FAULTY", YahooStub.AsYahooShowsIt("FAULTY", bars, i => i == wrong ? 1.05 : 1, d => d != firstDividend, i => i != dropped));
        var yahoo = new YahooMarketData(new YahooChartClient(_http, new YahooClientOptions { BaseAddress = stub.Address, RequestsPerSecond = 100 }, TimeProvider.System),
            new YahooHistoryCache(Path.Combine(_synced.Warehouse.Layout.Root, "yc")), new FakeTimeProvider(new DateTimeOffset(2025, 1, 6, 12, 0, 0, TimeSpan.Zero)));

        var clean = SourceReconciliation.Compare(reference, await yahoo.DailyAsync("CLEAN", From, To, ct));
        Assert.True(clean.Agrees, $"{clean.LargestReturnDifferences.Count} return differences, dividends {string.Join(",", clean.Dividends.Where(d => !d.Matched))}, ratios {string.Join(",", clean.PriceRatios)}");
        Assert.Equal(bars.Count, clean.CommonDates);
        Assert.True(clean.ReturnCorrelation > 0.9999, $"correlation {clean.ReturnCorrelation}");
        Assert.Equal(bars.Count(b => b.SplitRatio is not null) + 1, clean.PriceRatios.Count);
        Assert.Equal(1.0, clean.PriceRatios[^1].Median, 6); // no split after the last span: Yahoo's close is the traded one
        Assert.Equal(1 / bars.Last(b => b.SplitRatio is not null).SplitRatio!.Value, clean.PriceRatios[^2].Median, 3);

        var faulty = SourceReconciliation.Compare(reference, await yahoo.DailyAsync("FAULTY", From, To, ct));
        Assert.False(faulty.Agrees);
        Assert.Equal([bars[dropped].Date], faulty.OnlyInReference);
        Assert.Empty(faulty.OnlyInCandidate);
        var flagged = faulty.LargestReturnDifferences.Select(d => d.Date).ToHashSet();
        Assert.Contains(bars[wrong].Date, flagged); // +5% into the wrong close
        Assert.Contains(bars[wrong + 1].Date, flagged); // and back out of it
        Assert.Contains(firstDividend, flagged); // the missing dividend is missing from that day's total return
        Assert.Subset(new HashSet<DateOnly> { bars[dropped + 1].Date, bars[wrong].Date, bars[wrong + 1].Date, firstDividend }, flagged); // the day after the gap spans two sessions
        var missing = Assert.Single(faulty.Dividends, d => !d.Matched);
        Assert.Equal((firstDividend, (double?)null), (missing.Date, missing.Candidate));
        Assert.All(faulty.Splits, s => Assert.True(s.Matched));
        Assert.Single(faulty.PriceRatios, p => !p.Flat);
        Assert.InRange(faulty.ReturnCorrelation!.Value, 0.5, 0.9999);
    }

    [Fact]
    public void Correlation_is_Pearsons_checked_by_hand()
    {
        // x = 1, 2, 3, 4; y = 2, 4, 5, 9: means 2.5 and 5; Σdxdy = 1.5*3 + 0.5*1 + 0.5*0 + 1.5*4 = 11; Σdx² = 5; Σdy² = 26.
        Assert.Equal(11 / Math.Sqrt(5 * 26), Research.Core.Statistics.Moments.Correlation([1, 2, 3, 4], [2, 4, 5, 9]), 14);
        Assert.True(double.IsNaN(Research.Core.Statistics.Moments.Correlation([1, 1, 1], [1, 2, 3])));
    }
}
