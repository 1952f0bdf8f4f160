using System.Globalization;
using Microsoft.Playwright;
using Research.Analytics.Execution;
using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.ExecutionQuality;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// The execution-quality page: a researcher pastes the CFA curriculum's worked example (a buy of 1,000 shares decided at
/// $10.00, 700 filled a day later at $10.00 after a $10.05 close with $14 of commission, the rest cancelled at $10.08):
/// 38 bps ($38) split into its parts; a bad line is refused by table, line and column; intraday benchmarks from TAQ tier 1
/// (refused by name before it is aggregated); a backtest's trades as the grain measures them, by month; a viewer may not open the page.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_researcher_measures_the_published_shortfall_example_and_a_viewer_is_refused()
    {
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcherUser = await platform.CreateUserAsync("researcher", twoFactor: false);
        var researcherName = researcherUser.Name;
        var researcher = await SignInAtAsync(browser, researcherUser, "/execution", "#exec-ready");

        await researcher.FillAsync("#exec-orders", "order,symbol,side,quantity,decision_price,cancel_price\nIR,IMPR,hold,1000,10.00,10.08\n");
        await researcher.FillAsync("#exec-fills", "order,date,quantity,price,fees,benchmark\nIR,2024-03-06,700,10.00,14,10.05\n");
        await researcher.ClickAsync("#exec-run");
        await researcher.WaitForSelectorAsync("#exec-error");
        Assert.Contains("orders line 2, column side: 'hold'", await researcher.InnerTextAsync("#exec-error"), StringComparison.Ordinal);

        await researcher.FillAsync("#exec-orders", "order,symbol,side,quantity,decision_price,cancel_price\nIR,IMPR,buy,1000,10.00,10.08\n");
        await researcher.ClickAsync("#exec-run");
        await researcher.WaitForSelectorAsync("#exec-result");
        Assert.Equal(0, await researcher.Locator("#exec-error").CountAsync());
        Assert.Equal(38.0, double.Parse((await researcher.GetAttributeAsync("#exec-total", "data-value"))!, CultureInfo.InvariantCulture), 9);
        Assert.Equal(38.0, double.Parse((await researcher.GetAttributeAsync("#exec-table tr[data-order='IR'] td.total", "data-value"))!, CultureInfo.InvariantCulture), 9);
        Assert.Contains("explicit 14.00 bps, delay 35.00 bps, trading -35.00 bps, opportunity 24.00 bps", await researcher.InnerTextAsync("#exec-total"), StringComparison.Ordinal);
        await researcher.WaitForSelectorAsync("#exec-chart .main-svg", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "execution-researcher.png"), FullPage = true });

        // Intraday benchmarks from TAQ tier 1: the synthetic market's ticks, aggregated; an order traded 10:00-11:00.
        var layout = new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 30, Years = 1, EndYear = 2024, Seed = 31, IntradaySymbols = 3, IntradayDays = 6, IntradayTradeSize = 2_000 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in TaqTicks.Datasets)
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        }

        DateOnly day;
        string symbol;
        List<MinuteBar> bars;
        using (var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, TaqTicks.Datasets))
        {
            var first = TaqTicks.Read(session, cancellationToken: TestContext.Current.CancellationToken).First();
            (day, symbol) = (first.Date, first.Symbol);
        }

        await researcher.FillAsync("#exec-orders", $"order,symbol,side,quantity,decision_price,start,end\nIX,{symbol},buy,1000,50,10:00:00,11:00:00\n");
        await researcher.FillAsync("#exec-fills", $"order,date,quantity,price,time\nIX,{day:yyyy-MM-dd},1000,50.05,10:30:00\n");
        await researcher.ClickAsync("#exec-intraday");
        await researcher.ClickAsync("#exec-run");
        await researcher.WaitForSelectorAsync("#exec-error");
        Assert.Contains("taq/bars_1m is not in the warehouse", await researcher.InnerTextAsync("#exec-error"), StringComparison.Ordinal);
        await new TaqStore(layout, TimeProvider.System).AggregateAsync([day], "tests", null, TestContext.Current.CancellationToken);
        using (var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, [TaqAggregates.Bars]))
        {
            bars = TaqAggregates.ReadBars(session, symbol, day);
        }

        // At the stock's own price: decided at the 10:00 bar's close, filled 5 bps over the interval's VWAP.
        var market = ExecutionBenchmarks.FromBars(bars, 10 * 3600, 11 * 3600);
        var (decision, fill) = (Math.Round(market.Arrival, 2), Math.Round(market.Vwap * 1.0005, 4));
        await researcher.FillAsync("#exec-orders", string.Create(CultureInfo.InvariantCulture, $"order,symbol,side,quantity,decision_price,start,end\nIX,{symbol},buy,1000,{decision},10:00:00,11:00:00\n"));
        await researcher.FillAsync("#exec-fills", string.Create(CultureInfo.InvariantCulture, $"order,date,quantity,price,time\nIX,{day:yyyy-MM-dd},1000,{fill},10:30:00\n"));
        await researcher.ClickAsync("#exec-run");
        await researcher.WaitForSelectorAsync("#exec-table tr[data-order='IX'] td.vwap");
        Assert.Equal(ExecutionBenchmarks.SlippageBps(ExecutionSide.Buy, fill, market.Vwap), double.Parse((await researcher.GetAttributeAsync("#exec-table tr[data-order='IX'] td.vwap", "data-value"))!, CultureInfo.InvariantCulture), 9);
        Assert.Contains("10:00:00-11:00:00", await researcher.InnerTextAsync("#exec-table tr[data-order='IX']"), StringComparison.Ordinal);
        await researcher.Locator("#exec-table").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(shots, "execution-intraday.png") });

        // A backtest's trades: the same numbers the grain gives the researcher, a chart by month and the largest trades.
        var caller = new CallerIdentity(researcherName, Role.Researcher, "tests");
        var job = await platform.RunJobAsync(caller, new JobSubmission(new BacktestJobSpec("low-vol", Quantile: 0.23), null, JobPriority.Normal, researcherName));
        var expected = await caller.RunAsync(() => platform.Cluster.GetGrain<IExecutionQualityGrain>(0).AnalyzeAsync(new ExecutionQualityRequest("backtest", null, null, null, job)));
        await researcher.ClickAsync("div#exec-source");
        await researcher.ClickAsync(".rz-dropdown-item:has-text('backtest')");
        await researcher.WaitForSelectorAsync("#exec-job");
        await researcher.FillAsync("#exec-job", "bt-0000000000000000");
        await researcher.ClickAsync("#exec-run");
        await researcher.WaitForSelectorAsync("#exec-error");
        Assert.Contains("'bt-0000000000000000' has no stored result", await researcher.InnerTextAsync("#exec-error"), StringComparison.Ordinal);
        await researcher.FillAsync("#exec-job", job);
        await researcher.ClickAsync("#exec-run");
        await researcher.WaitForSelectorAsync("#exec-months .main-svg", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal(expected.TotalBps, double.Parse((await researcher.GetAttributeAsync("#exec-total", "data-value"))!, CultureInfo.InvariantCulture));
        Assert.StartsWith($"All {expected.Count:N0} trades:", await researcher.InnerTextAsync("#exec-total"), StringComparison.Ordinal);
        Assert.Equal(expected.Orders.Length, await researcher.Locator("#exec-table tbody tr").CountAsync());
        Assert.Contains($"Trades of {job}", await researcher.InnerTextAsync("#exec-result"), StringComparison.Ordinal);
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "execution-backtest.png"), FullPage = true });
        // Opening a stored result through its trades is audited, as on the backtest pages; pasted tables are not.
        var audit = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: researcherName, Action: ResearchActions.ExecutionAnalyze, Limit: 20), TestContext.Current.CancellationToken);
        Assert.Contains(audit, a => a.Entry.Target == job && a.Entry.Outcome == "ok");
        Assert.DoesNotContain(audit, a => a.Entry.Target == "pasted");

        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/alerts", "#alerts-ready");
        await viewer.GotoAsync("/execution");
        await viewer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/denied");
        Assert.False(ResearchActions.Allows(Role.Viewer, ResearchActions.ExecutionAnalyze));
    }
}
