using System.Globalization;
using Microsoft.Playwright;
using Research.Analytics.Events;
using Research.Grains.Abstractions.Security;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// The event study page: a researcher pastes events; a malformed line is refused by its line and column and nothing is
/// shown; the study's CAAR and Patell Z per group are the library's over the same warehouse, the chart is drawn and the
/// event left out is listed with its reason; a viewer may not open the page.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_researcher_runs_an_event_study_whose_numbers_are_the_librarys_and_a_viewer_is_refused()
    {
        var layout = new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot);
        int[] permnos;
        string text;
        EventStudyResult expected;
        // The test warehouse's Fama-French factors start on 2024-07-01 (the synthetic market's warm-up): a short design.
        var options = new EventStudyOptions { Estimation = new EventWindow(-80, -11), Window = new EventWindow(-5, 5), MinEstimationDays = 60, Tests = [new EventWindow(-1, 1), new EventWindow(0, 5)] };
        using (var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System))
        {
            var rows = session.Query("SELECT DISTINCT permno FROM crsp.daily WHERE date = DATE '2024-11-01' ORDER BY 1 LIMIT 4", TestContext.Current.CancellationToken).Rows;
            permnos = [.. rows.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture))];

            // Three additions, one deletion, and one event too late for its window (left out, with the reason).
            text = $"permno,date,group\n{permnos[0]},2024-11-01,addition\n{permnos[1]},2024-11-08,addition\n{permnos[2]},2024-11-15,addition\n{permnos[3]},2024-11-22,deletion\n{permnos[0]},2024-12-30,deletion\n";
            var events = EventStudyLoader.ParseEvents(text, "events");
            var (market, returns) = EventStudyLoader.Load(session, events, options);
            expected = EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), options);
        }

        Assert.Single(expected.Dropped);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcher = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), "/events", "#events-ready");

        await researcher.FillAsync("#events-text", "permno,date\n10001,2024-06-03\n10002,2024-02-30\n");
        await researcher.ClickAsync("#events-run");
        await researcher.WaitForSelectorAsync("#events-error");
        Assert.Contains("events line 3, column date: '2024-02-30' is not a date", await researcher.InnerTextAsync("#events-error"), StringComparison.Ordinal);
        Assert.Equal(0, await researcher.Locator("#events-result").CountAsync());

        await researcher.FillAsync("#events-text", text);
        await researcher.FillAsync("#events-tests", "-1:1 0:5");
        await researcher.FillAsync("#events-estimation", "-80:-11");
        await researcher.FillAsync("#events-window", "-5:5");
        await researcher.FillAsync("#events-min-days input", "60");
        await researcher.ClickAsync("#events-run");
        await researcher.WaitForSelectorAsync("#events-result", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(0, await researcher.Locator("#events-error").CountAsync());
        foreach (var group in expected.Groups)
        {
            foreach (var test in group.Tests)
            {
                var row = $"#events-tests-table tr[data-group='{group.Group}'][data-window='{test.Window}']";
                Assert.Equal(test.Caar, double.Parse((await researcher.GetAttributeAsync($"{row} td.caar", "data-value"))!, CultureInfo.InvariantCulture), 1e-15);
                Assert.Equal(test.Patell, double.Parse((await researcher.GetAttributeAsync($"{row} td.patell", "data-value"))!, CultureInfo.InvariantCulture), 1e-12);
            }
        }

        Assert.Contains("4 of 5 events studied (market-model; estimation [-80, -11], at least 60 days", await researcher.InnerTextAsync("#events-summary"), StringComparison.Ordinal);
        Assert.Contains("runs outside the sessions with data", await researcher.InnerTextAsync("#events-left-out"), StringComparison.Ordinal);
        Assert.Matches(@"Data: crsp/daily v\d{8}T\d{6}\d*Z, famafrench/factors_daily v\d+", await researcher.InnerTextAsync("#events-summary"));
        await researcher.WaitForSelectorAsync("#events-car-chart .main-svg", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "events-researcher.png"), FullPage = true });

        // Earnings need Compustat, which the test warehouse lacks: refused by name, not an empty page.
        await researcher.ClickAsync("div#events-source");
        await researcher.ClickAsync(".rz-dropdown-item:has-text('Earnings')");
        await researcher.WaitForSelectorAsync("#events-from"); // the server has the choice once it shows the earnings fields
        await researcher.ClickAsync("#events-run");
        await researcher.WaitForSelectorAsync("#events-error");
        Assert.Contains("is not in the warehouse: an event study of earnings needs", await researcher.InnerTextAsync("#events-error"), StringComparison.Ordinal);

        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/alerts", "#alerts-ready");
        await viewer.GotoAsync("/events");
        await viewer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/denied");
        Assert.False(ResearchActions.Allows(Role.Viewer, ResearchActions.EventsStudy));
    }
}
