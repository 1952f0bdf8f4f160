using System.Globalization;
using Microsoft.Playwright;
using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Grains.Abstractions.Security;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// The microstructure page: a researcher studies six days of three symbols' ticks (added to the test warehouse here); each
/// symbol's VPIN is the library's over the same ticks, the charts are drawn, a reversed range is refused by name; a viewer
/// may not open the page.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_researcher_runs_a_microstructure_study_whose_VPIN_is_the_librarys_and_a_viewer_is_refused()
    {
        var layout = new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 30, Years = 1, EndYear = 2024, Seed = 31, IntradaySymbols = 3, IntradayDays = 6, IntradayTradeSize = 2_000 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in TaqTicks.Datasets)
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        }

        List<TickDay> ticks;
        using (var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System))
        {
            ticks = [.. TaqTicks.Read(session, cancellationToken: TestContext.Current.CancellationToken)];
        }

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcher = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), "/microstructure", "#micro-ready");

        await researcher.FillAsync("#micro-from", "2024-12-31");
        await researcher.FillAsync("#micro-to", "2024-12-01");
        await researcher.ClickAsync("#micro-run");
        await researcher.WaitForSelectorAsync("#micro-error");
        Assert.Contains("from 2024-12-31 is after to 2024-12-01", await researcher.InnerTextAsync("#micro-error"), StringComparison.Ordinal);

        await researcher.FillAsync("#micro-from", string.Empty);
        await researcher.FillAsync("#micro-to", string.Empty);
        await researcher.ClickAsync("#micro-run");
        await researcher.WaitForSelectorAsync("#micro-result", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(0, await researcher.Locator("#micro-error").CountAsync());
        Assert.Contains("6 days", await researcher.InnerTextAsync("#micro-summary"), StringComparison.Ordinal);
        foreach (var symbol in ticks.Select(t => t.Symbol).Distinct())
        {
            var days = ticks.Where(t => t.Symbol == symbol).ToList();
            var vpin = Vpin.Measure(Vpin.Bars(days), Vpin.AverageDailyVolume(days));
            var shown = await researcher.GetAttributeAsync($"#micro-symbols-table tr[data-symbol='{symbol}'] td.vpin", "data-value");
            Assert.Equal(vpin.Values.Average(), double.Parse(shown!, CultureInfo.InvariantCulture), 12);
        }

        await researcher.WaitForSelectorAsync("#micro-pattern-chart .main-svg", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await researcher.WaitForSelectorAsync("#micro-rv-chart .main-svg", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "microstructure-researcher.png"), FullPage = true });

        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/alerts", "#alerts-ready");
        await viewer.GotoAsync("/microstructure");
        await viewer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/denied");
        Assert.False(ResearchActions.Allows(Role.Viewer, ResearchActions.MicroStudy));
    }
}
