using System.Globalization;
using Microsoft.Playwright;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// The console in the system Chromium (Playwright, headless): sign in with password and TOTP, submit a backtest, watch
/// its progress reach 100% without a reload, open the result and see the equity curve drawn (screenshot saved under
/// artifacts/test-results/screenshots), sign out; a viewer sees no submit control and a forged submit is refused and
/// audited.
/// </summary>
[Collection(ConsoleCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class BrowserTests(ConsolePlatform platform)
{
    private static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("RESEARCH_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            TestEnvironment.Unavailable($"Chromium is not installed at {path} (apt package chromium; test.sh installs it)");
        }

        return path;
    }

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        return (playwright, browser);
    }

    /// <summary>A new page signed in as <paramref name="user"/> (with its TOTP code when it has 2FA), opened at <paramref name="path"/> and waited for <paramref name="ready"/> to be interactive.</summary>
    private async Task<IPage> SignInAtAsync(IBrowser browser, TestUser user, string path, string ready)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync("/signin");
        await page.FillAsync("#username", user.Name);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("#signin");
        if (user.TotpKey is { } key)
        {
            await page.WaitForURLAsync("**/signin/2fa");
            await page.FillAsync("#code", Totp.Code(key, DateTimeOffset.UtcNow));
            await page.ClickAsync("#verify");
        }

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync($"{ready}[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        return page;
    }

    [Fact]
    public async Task A_researcher_signs_in_with_TOTP_submits_a_backtest_watches_it_finish_and_sees_the_equity_curve()
    {
        var researcher = await platform.CreateUserAsync("researcher", twoFactor: true);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var problems = new List<string>();
        page.RequestFailed += (_, r) => problems.Add("failed " + r.Url);
        page.Response += (_, r) => { if (r.Status >= 400) { problems.Add($"{r.Status} {r.Url}"); } };
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                problems.Add(m.Text);
            }
        };

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/signin**");
        await page.FillAsync("#username", researcher.Name);
        await page.FillAsync("#password", researcher.Password);
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync("**/signin/2fa");
        await page.FillAsync("#code", Totp.Code(researcher.TotpKey!, DateTimeOffset.UtcNow));
        await page.ClickAsync("#verify");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.Contains(researcher.Name, await page.InnerTextAsync("#whoami"), StringComparison.Ordinal);

        await page.WaitForSelectorAsync("#interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.ClickAsync("#nav-backtests");
        await page.WaitForSelectorAsync("#submit-card");
        await page.WaitForSelectorAsync("#interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        // An out-of-range input is refused with the reason, not silently clamped (a quantile of 0.9 once ran as 0.5).
        var rowsBefore = await page.Locator("#jobs tr").CountAsync();
        await page.FillAsync("#quantile input", "0.9");
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("#submit");
        var refusal = await page.WaitForSelectorAsync("#backtests-error");
        Assert.Contains("quantile: 0.9 is not in (0, 0.5]", await refusal!.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await page.Locator("#jobs tr").CountAsync());
        await page.FillAsync("#quantile input", "0.2");
        await page.Keyboard.PressAsync("Tab");

        // A marker on the window: if the page reloaded, it would be gone.
        await page.EvaluateAsync("() => { window.__noReload = 'still here'; }");
        await page.ClickAsync("#submit");
        // The platform is shared with other tests' jobs: watch this researcher's row.
        await page.WaitForFunctionAsync(
            "name => [...document.querySelectorAll('#jobs tr')].some(r => r.innerText.includes(name) && r.innerText.includes('succeeded') && r.innerText.includes('100%'))",
            researcher.Name, new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 250 });
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__noReload"));

        var link = page.Locator("#jobs tr", new PageLocatorOptions { HasText = researcher.Name }).Locator("a.job-link").First;
        var jobId = await link.GetAttributeAsync("data-job");
        await link.ClickAsync();
        await page.WaitForURLAsync($"**/backtests/{jobId}");
        try
        {
            await page.WaitForSelectorAsync("#equity-chart .main-svg .scatterlayer path.js-line", new PageWaitForSelectorOptions { Timeout = 60_000 });
        }
        catch (TimeoutException e)
        {
            // Say what the page showed instead of the chart.
            throw new TimeoutException($"no equity line after 60 s; page: {await page.InnerTextAsync("body")}; console errors: {string.Join(" | ", problems)}", e);
        }

        var line = await page.GetAttributeAsync("#equity-chart .main-svg .scatterlayer path.js-line", "d");
        Assert.True(line is { Length: > 200 }, "the equity line has no drawn path: " + line);
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var shot = Path.Combine(shots, "equity-curve.png");
        await page.Locator("#equity-card").ScreenshotAsync(new LocatorScreenshotOptions { Path = shot });
        Assert.True(new FileInfo(shot).Length > 5_000, $"{shot} is {new FileInfo(shot).Length} bytes");
        Assert.True(await page.Locator("#trades").CountAsync() == 1);

        // Metrics read as labelled lines with units, grouped, not as the stored document's keys.
        var metrics = await page.InnerTextAsync("#metrics");
        Assert.Contains("Performance", metrics, StringComparison.OrdinalIgnoreCase); // group headings are shown in capitals
        Assert.Contains("Sharpe (excess of rf, annual)", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("annualVolatility", metrics, StringComparison.Ordinal);
        Assert.Matches(@"^-?\d+\.\d\d %$", await page.InnerTextAsync("#metrics tr[data-metric='cagr'] td"));

        await page.ClickAsync("#signout");
        await page.WaitForURLAsync("**/signin");
        await page.GotoAsync("/backtests");
        await page.WaitForURLAsync("**/signin**");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task The_alpha_explorer_records_an_evaluation_as_a_trial_a_researcher_stages_it_and_only_an_operator_with_a_code_promotes_a_model()
    {
        // A model with two staged versions, registered as research models register would (the registry under the data root).
        var registry = new Research.Data.Registry.ModelRegistry(platform.DataRoot, TimeProvider.System);
        foreach (var signal in new[] { "momentum", "low_vol" })
        {
            var definition = Research.Analytics.Alpha.Signals.BuiltInSignals.Find(signal)!;
            await registry.RegisterAsync("ui-model", "signal-model", definition.Description, new Dictionary<string, byte[]> { ["signal.json"] = System.Text.Encoding.UTF8.GetBytes(definition.CanonicalJson()) },
                null, null, new Dictionary<string, string>(), new Dictionary<string, double> { ["oos_rank_ic"] = signal == "momentum" ? 0.02 : -0.01 }, new Dictionary<string, bool> { ["oos_rank_ic_positive"] = signal == "momentum" },
                "tests", TestContext.Current.CancellationToken);
        }

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        Task<IPage> SignInAsync(TestUser user) => SignInAtAsync(browser, user, "/alpha", "#alpha-ready");

        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcherUser = await platform.CreateUserAsync("researcher", twoFactor: false);
        var researcherName = researcherUser.Name;
        var researcher = await SignInAsync(researcherUser);
        Assert.Contains("ui-model: production none; staged v1, v2", await researcher.InnerTextAsync("#registry-card"), StringComparison.Ordinal);
        Assert.Equal(0, await researcher.Locator("#promote-form").CountAsync()); // researchers stage, operators promote
        await researcher.FillAsync("#question", "browser test");
        await researcher.ClickAsync("#evaluate");
        await researcher.WaitForSelectorAsync("#horizons tbody tr", new PageWaitForSelectorOptions { Timeout = 120_000 });
        Assert.Equal(3, await researcher.Locator("#horizons tbody tr").CountAsync());
        Assert.Contains("momentum@v1: recorded as a trial of 'browser test'", await researcher.InnerTextAsync("#trial"), StringComparison.Ordinal);
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "alpha-explorer.png"), FullPage = true });
        await researcher.WaitForSelectorAsync("#ic-chart .main-svg .barlayer");
        await researcher.WaitForSelectorAsync("#quantile-chart .main-svg .barlayer");
        Assert.Contains("momentum", await researcher.InnerTextAsync("#trials tbody"), StringComparison.Ordinal);
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "alpha-explorer.png"), FullPage = true });
        var trials = await Research.Platform.Storage.Alpha.AlphaLedger.Sqlite(platform.DataRoot).TrialsAsync("browser test", TestContext.Current.CancellationToken);
        Assert.Equal(["momentum@v1"], trials.Select(t => t.Signal));

        // The researcher stages the evaluated signal as a model: a split that leaves one side empty is refused and records
        // nothing; the default split (the last third out of sample) registers v1, staged, recorded as a second trial and audited.
        Assert.Equal("momentum-v1", await researcher.InputValueAsync("#stage-name"));
        await researcher.FillAsync("#stage-name", "ui-staged");
        var split = await researcher.InputValueAsync("input[name='stage-split']");
        await researcher.FillAsync("input[name='stage-split']", "2024-12-31");
        await researcher.PressAsync("input[name='stage-split']", "Tab");
        await researcher.ClickAsync("#stage");
        await researcher.WaitForSelectorAsync("#evaluate-error");
        Assert.Contains("split: The split at 2024-12-31 leaves", await researcher.InnerTextAsync("#evaluate-error"), StringComparison.Ordinal);
        Assert.Single(await Research.Platform.Storage.Alpha.AlphaLedger.Sqlite(platform.DataRoot).TrialsAsync("browser test", TestContext.Current.CancellationToken));
        Assert.Null(await registry.StateAsync("ui-staged", TestContext.Current.CancellationToken));
        await researcher.FillAsync("input[name='stage-split']", split);
        await researcher.PressAsync("input[name='stage-split']", "Tab");
        await researcher.ClickAsync("#stage");
        await researcher.WaitForSelectorAsync("#stage-message", new PageWaitForSelectorOptions { Timeout = 120_000 });
        Assert.Contains("ui-staged v1 is staged: rank IC ", await researcher.InnerTextAsync("#stage-message"), StringComparison.Ordinal);
        Assert.Equal(0, await researcher.Locator("#evaluate-error").CountAsync()); // the refusal before is gone
        Assert.Contains("ui-staged: production none; staged v1", await researcher.InnerTextAsync("#registry-card"), StringComparison.Ordinal);
        var staged = (await registry.LoadAsync("ui-staged", 1, TestContext.Current.CancellationToken)).Manifest;
        Assert.Equal(researcherName, staged.CreatedBy);
        Assert.Equal(DateOnly.ParseExact(split, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1), staged.TrainedTo);
        Assert.True(staged.Metrics.ContainsKey("oos_rank_ic") && staged.Checks.ContainsKey("oos_rank_ic_positive"));
        Assert.Equal(2, (await Research.Platform.Storage.Alpha.AlphaLedger.Sqlite(platform.DataRoot).TrialsAsync("browser test", TestContext.Current.CancellationToken)).Count);
        var stagedAudit = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: researcherName, Action: ResearchActions.ModelStage, Limit: 10), TestContext.Current.CancellationToken);
        Assert.Contains(stagedAudit, a => a.Entry.Target == "ui-staged" && a.Entry.Outcome == "ok");
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "alpha-staged.png"), FullPage = true });

        // An operator promotes v1 with a code and a reason; without a code the refusal says what is missing.
        var operatorUser = await platform.CreateUserAsync("operator", twoFactor: true);
        var ops = await SignInAsync(operatorUser);
        await ops.ClickAsync("#promote-model"); // other tests register models on this platform too: choose this one
        await ops.ClickAsync(".rz-dropdown-item:has-text('ui-model')");
        await ops.FillAsync("#promote-reason", "OOS IC positive");
        await ops.ClickAsync("#promote");
        await ops.WaitForSelectorAsync("#registry-message");
        Assert.Contains("authenticator", await ops.InnerTextAsync("#registry-message"), StringComparison.OrdinalIgnoreCase);
        await ops.FillAsync("#promote-code", Totp.Code(operatorUser.TotpKey!, DateTimeOffset.UtcNow.AddSeconds(30)));
        await ops.ClickAsync("#promote");
        await ops.WaitForFunctionAsync("() => document.querySelector('#registry-message')?.innerText.includes('is production')");
        Assert.Contains("ui-model: production v1", await ops.InnerTextAsync("#registry-card"), StringComparison.Ordinal);
        Assert.Equal(1, (await registry.StateAsync("ui-model", TestContext.Current.CancellationToken))!.Production);
        var audit = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: operatorUser.Name, Action: ResearchActions.ModelPromote, Limit: 10), TestContext.Current.CancellationToken);
        Assert.Contains(audit, a => a.Entry.Target == "ui-model v1" && a.Entry.Outcome == "ok");
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "alpha-registry-operator.png"), FullPage = true });
    }

    [Fact]
    public async Task An_operator_starts_and_pauses_a_strategy_with_a_reason_and_a_viewer_reads_the_health_page()
    {
        var name = "ui-hold-" + Guid.NewGuid().ToString("N")[..6];
        var ops = new CallerIdentity("desk-lead", Role.Operator, "tests");
        await ops.RunAsync(() => platform.Cluster.GetGrain<Research.Grains.Abstractions.Trading.IStrategyGrain>(name).DefineAsync(new Research.Grains.Abstractions.Trading.StrategyConfig(name + "-acct", "buy-and-hold", Allocation: 0.25)));

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;

        // A researcher sees the strategy, without the controls.
        var researcher = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), "/trading", "#trading-ready");
        Assert.Contains("buy-and-hold, 25 % of equity", await researcher.InnerTextAsync($"tr[data-strategy='{name}']"), StringComparison.Ordinal);
        Assert.Equal(0, await researcher.Locator($"tr[data-strategy='{name}'] .strategy-start").CountAsync());
        Assert.Equal(1, await researcher.Locator("#strategy-needs-role").CountAsync());

        // An operator starts it (no reason: refused, nothing changes), then pauses it; the history says who and why.
        var operatorPage = await SignInAtAsync(browser, await platform.CreateUserAsync("operator", twoFactor: true), "/trading", "#trading-ready");
        var row = $"tr[data-strategy='{name}']";
        await operatorPage.ClickAsync($"{row} .strategy-start");
        await operatorPage.WaitForSelectorAsync("#trading-message");
        Assert.Contains("reason: say why", await operatorPage.InnerTextAsync("#trading-message"), StringComparison.Ordinal);
        Assert.Equal("stopped", await operatorPage.InnerTextAsync($"{row} .status"));
        await operatorPage.FillAsync("#strategy-reason", "morning start");
        await operatorPage.ClickAsync($"{row} .strategy-start");
        await operatorPage.WaitForFunctionAsync($"() => document.querySelector(\"{row} .status\")?.textContent === 'running'");
        await operatorPage.FillAsync("#strategy-reason", "lunch");
        await operatorPage.ClickAsync($"{row} .strategy-pause");
        await operatorPage.WaitForFunctionAsync($"() => document.querySelector(\"{row} .status\")?.textContent === 'paused'");
        await operatorPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "trading-strategies-operator.png"), FullPage = true });
        var history = await ops.RunAsync(() => platform.Cluster.GetGrain<Research.Grains.Abstractions.Trading.IStrategyGrain>(name).HistoryAsync(10));
        Assert.Equal(["pause", "start", "define"], history.Select(e => e.Action));
        Assert.Equal(("lunch", "start"), (history[0].Reason, history[1].Action));
        Assert.StartsWith("operator", history[0].By, StringComparison.Ordinal);

        // A viewer reads the health page: the status, every check and the silos.
        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/system-health", "#health-ready");
        Assert.Contains(await viewer.InnerTextAsync("#health-state"), new[] { "HEALTHY", "DEGRADED" });
        Assert.Equal(6, await viewer.Locator("#health-checks tbody tr").CountAsync());
        Assert.True(await viewer.Locator("#health-silos tbody tr").CountAsync() >= 1);
        Assert.Equal(0, await viewer.Locator("#health-error").CountAsync());
        await viewer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "health-viewer.png"), FullPage = true });
    }

    [Fact]
    public async Task An_operator_adds_a_channel_and_a_rule_tests_and_previews_them_and_acknowledges_the_alert_a_viewer_only_reads()
    {
        await using var slack = new HttpStub();
        var hook = new Uri(slack.Address, "services/T9/B9/ui-hook-secret").ToString();
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (channel, rule, account) = ("ui-slack-" + suffix, "ui-trips-" + suffix, "ui-alerts-" + suffix);

        // A channel with its secret (a Slack webhook address), never shown again; a test message reaches the stand-in.
        var ops = await SignInAtAsync(browser, await platform.CreateUserAsync("operator", twoFactor: true), "/alerts", "#alerts-ready");
        await ops.FillAsync("#channel-name", channel);
        await ops.FillAsync("#channel-secret", hook);
        await ops.ClickAsync("#channel-save");
        await ops.WaitForSelectorAsync($"tr[data-channel='{channel}']");
        Assert.DoesNotContain("ui-hook-secret", await ops.ContentAsync(), StringComparison.Ordinal);
        await ops.ClickAsync($"tr[data-channel='{channel}'] .channel-test");
        await ops.WaitForFunctionAsync("() => document.querySelector('#alerts-message')?.textContent.includes('Test message delivered')");
        Assert.Single(slack.Delivered);

        // A rule: a bad threshold is refused in words; the preview shows the message; saved, a trip raises it.
        await ops.FillAsync("#rule-name", rule);
        await ops.FillAsync("#rule-threshold", "one");
        await ops.ClickAsync("#rule-save");
        await ops.WaitForFunctionAsync("() => document.querySelector('#alerts-message')?.textContent.includes(\"threshold: 'one' is not a number\")");
        await ops.FillAsync("#rule-threshold", "1");
        await ops.FillAsync("#rule-subject", "account:ui-alerts-*");
        await ops.FillAsync("#rule-channels", channel);
        await ops.ClickAsync("#rule-preview");
        await ops.WaitForSelectorAsync("#rule-preview-text");
        Assert.Contains($"[WARNING] {rule}: breaker-tripped account:ui-alerts-example = 1 (threshold >= 1)", await ops.InnerTextAsync("#rule-preview-text"), StringComparison.Ordinal);
        await ops.ClickAsync("#rule-save");
        await ops.WaitForSelectorAsync($"tr[data-rule='{rule}']");
        await new CallerIdentity("desk-lead", Role.Operator, "tests").RunAsync(() => platform.Cluster.GetGrain<Research.Grains.Abstractions.Trading.ICircuitBreakerGrain>("account:" + account).TripAsync("ui drill"));
        var row = $"tr[data-alert-rule='{rule}']";
        await ops.WaitForSelectorAsync($"{row} .alert-ack", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await ops.WaitForFunctionAsync($"() => document.querySelector(\"{row} .delivery[data-channel='{channel}']\")?.textContent.includes('sent')", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(2, slack.Delivered.Count);
        await ops.FillAsync("#ack-comment", "drill, checked");
        await ops.ClickAsync($"{row} .alert-ack");
        await ops.WaitForFunctionAsync($"() => document.querySelector(\"{row} .state\")?.textContent.startsWith('acknowledged')");
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "alerts-operator.png"), FullPage = true });

        // Edit: the form takes the rule's values; a new threshold replaces it. A channel in use cannot be deleted;
        // deleting the rule takes a confirmation, keeps its alert in the history, and then the channel can go.
        await ops.ClickAsync($"tr[data-rule='{rule}'] .rule-edit");
        await ops.WaitForSelectorAsync("#rule-editing");
        Assert.Equal(("1", "account:ui-alerts-*", channel), (await ops.InputValueAsync("#rule-threshold"), await ops.InputValueAsync("#rule-subject"), await ops.InputValueAsync("#rule-channels")));
        await ops.FillAsync("#rule-threshold", "2");
        await ops.ClickAsync("#rule-save");
        await ops.WaitForFunctionAsync($"() => document.querySelector(\"tr[data-rule='{rule}']\")?.textContent.includes('>= 2')");
        await ops.ClickAsync($"tr[data-channel='{channel}'] .channel-delete");
        await ops.ClickAsync($"tr[data-channel='{channel}'] .channel-delete-confirm");
        await ops.WaitForFunctionAsync($"() => document.querySelector('#alerts-message')?.textContent.includes('is used by rule {rule}')");
        await ops.ClickAsync($"tr[data-rule='{rule}'] .rule-delete");
        Assert.Equal(1, await ops.Locator($"tr[data-rule='{rule}']").CountAsync()); // not yet: it asks first
        await ops.ClickAsync($"tr[data-rule='{rule}'] .rule-delete-confirm");
        await ops.WaitForFunctionAsync($"() => !document.querySelector(\"tr[data-rule='{rule}']\")");
        Assert.Equal(1, await ops.Locator(row).CountAsync());
        await ops.ClickAsync($"tr[data-channel='{channel}'] .channel-delete");
        await ops.ClickAsync($"tr[data-channel='{channel}'] .channel-delete-confirm");
        await ops.WaitForFunctionAsync($"() => !document.querySelector(\"tr[data-channel='{channel}']\")");
        var audit = await new CallerIdentity("auditor", Role.Admin, "tests").RunAsync(() =>
            platform.Cluster.GetGrain<Research.Grains.Abstractions.Security.IAuditGrain>(0).ReadAsync(new Research.Grains.Abstractions.Security.AuditFilter(Action: "alerts.rule.delete", Limit: 50)));
        Assert.Contains(audit, e => e.Target == rule && e.Actor.StartsWith("operator", StringComparison.Ordinal));

        // A viewer reads the history, with no form and no acknowledge button.
        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/alerts", "#alerts-ready");
        Assert.Contains("drill, checked", await viewer.InnerTextAsync(row), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0, 1), (await viewer.Locator("#rule-form").CountAsync(), await viewer.Locator("#channel-form").CountAsync(), await viewer.Locator(".alert-ack").CountAsync(),
            await viewer.Locator("#rules-need-role").CountAsync()));
        await viewer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "alerts-viewer.png"), FullPage = true });
    }

    [Fact]
    public async Task The_reports_tax_data_risk_journal_and_notebook_pages_open_for_every_role_that_may_see_them_without_an_error()
    {
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var pages = new[] { ("/reports", "#reports-ready", "#reports-error", ResearchActions.ReportsView), ("/tax", "#tax-ready", "#tax-error", ResearchActions.TaxView), ("/data/sync", "#sync-ready", "#sync-error", ResearchActions.OverviewView), ("/data/explorer", "#explorer-ready", "#explorer-error", ResearchActions.DatasetExplore), ("/data/quality", "#quality-ready", "#quality-error", ResearchActions.DatasetExplore), ("/risk", "#risk-ready", "#risk-error", ResearchActions.RiskView), ("/journal", "#journal-ready", "#journal-error", ResearchActions.JournalView), ("/notebooks", "#notebooks-ready", "#notebooks-error", ResearchActions.NotebooksUse), ("/events", "#events-ready", "#events-error", ResearchActions.EventsStudy), ("/microstructure", "#micro-ready", "#micro-error", ResearchActions.MicroStudy), ("/execution", "#exec-ready", "#exec-error", ResearchActions.ExecutionAnalyze) };
        foreach (var role in new[] { "viewer", "researcher", "operator", "admin" })
        {
            var user = await platform.CreateUserAsync(role, twoFactor: role is "operator" or "admin");
            IPage? page = null;
            foreach (var (path, ready, error, action) in pages.Where(p => ResearchActions.Allows(ResearchActions.ParseRole(role), p.Item4)))
            {
                var problems = new List<string>();
                if (page is null)
                {
                    page = await SignInAtAsync(browser, user, path, ready);
                }
                else
                {
                    await page.GotoAsync(path);
                    await page.WaitForSelectorAsync($"{ready}[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                }

                page.Response += (_, r) => { if (r.Status >= 400) { problems.Add($"{r.Status} {r.Url}"); } };
                page.Console += (_, m) => { if (m.Type == "error") { problems.Add(m.Text); } };
                await page.ReloadAsync();
                await page.WaitForSelectorAsync($"{ready}[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                Assert.Equal(0, await page.Locator(error).CountAsync());
                Assert.DoesNotContain("Exception", await page.InnerTextAsync("body"), StringComparison.Ordinal);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"page{path.Replace('/', '-')}-{role}.png"), FullPage = true });
                Assert.True(problems.Count == 0, $"{path} as {role}: {string.Join("; ", problems)}");
            }
        }
    }

    [Fact]
    public async Task The_dataset_explorer_shows_what_the_warehouse_holds_answers_sql_and_exports_as_the_library_does_refuses_hostile_sql_and_stays_usable()
    {
        const string Dataset = "crsp/daily";
        const string Sql = "SELECT permno, count(*) AS days, round(avg(ret), 12) AS mean_ret FROM crsp.daily GROUP BY permno ORDER BY permno";
        var layout = new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot);
        var current = new Research.Data.Warehouse.WarehouseCatalog(layout).ReadCurrent(Dataset)!;

        // What the page must show, computed here with the library over the same version (and the exchange calendar).
        List<DateOnly> dates;
        long maxSymbols;
        string[] columns;
        string expectedCsv;
        using (var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System))
        {
            var perDate = session.Query("SELECT date, count(DISTINCT permno) FROM crsp.daily GROUP BY date ORDER BY date", TestContext.Current.CancellationToken);
            dates = [.. perDate.Rows.Select(r => (DateOnly)r[0]!)];
            maxSymbols = perDate.Rows.Max(r => (long)r[1]!);
            columns = [.. session.Query("SELECT * FROM crsp.daily LIMIT 1", TestContext.Current.CancellationToken).Columns];
            expectedCsv = Research.Data.Warehouse.QueryExport.Csv(session.Query(Sql, TestContext.Current.CancellationToken));
        }

        var missing = Research.Core.Calendars.NyseCalendar.Instance.Sessions(dates[0], dates[^1]).Except(dates).Count();
        string Fingerprint() => string.Join("\n", Directory.EnumerateFiles(layout.Root, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}crsp{Path.DirectorySeparatorChar}", StringComparison.Ordinal) || f.Contains($"{Path.DirectorySeparatorChar}famafrench{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}"));
        var before = Fingerprint();

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcherUser = await platform.CreateUserAsync("researcher", twoFactor: false);
        var page = await SignInAtAsync(browser, researcherUser, $"/data/explorer?dataset={Uri.EscapeDataString(Dataset)}", "#explorer-ready");
        await page.WaitForSelectorAsync("#explorer-coverage", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var coverage = await page.InnerTextAsync("#explorer-coverage");
        Assert.Contains($"Daily data on date from {dates[0]:yyyy-MM-dd} to {dates[^1]:yyyy-MM-dd}: {dates.Count.ToString("N0", CultureInfo.InvariantCulture)} dates, {maxSymbols.ToString("N0", CultureInfo.InvariantCulture)} permno at most on a date", coverage, StringComparison.Ordinal);
        Assert.Contains(missing == 0 ? "no gaps" : $"{missing.ToString("N0", CultureInfo.InvariantCulture)} missing sessions", coverage, StringComparison.Ordinal);
        Assert.Equal(columns, await page.Locator("#explorer-schema tbody tr td:first-child").AllInnerTextsAsync());
        Assert.Contains("(current)", await page.InnerTextAsync($"#explorer-versions tr[data-version='{current.VersionId}']"), StringComparison.Ordinal);
        Assert.Equal(50, await page.Locator("#explorer-preview tbody tr").CountAsync());
        await page.WaitForSelectorAsync("#coverage-chart .main-svg .scatterlayer path.js-line", new PageWaitForSelectorOptions { Timeout = 60_000 });

        async Task<int> RunAsync(string sql, int runs)
        {
            await page.FillAsync("#explorer-query", sql);
            await page.ClickAsync("#explorer-run");
            await page.WaitForSelectorAsync($"#explorer-sql[data-runs='{runs + 1}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            return runs + 1;
        }

        // A query: its summary and the exported CSV equal the library's answer.
        var runs = await RunAsync(Sql, 0);
        var expectedRows = expectedCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.StartsWith($"{expectedRows.ToString("N0", CultureInfo.InvariantCulture)} row(s) in ", await page.InnerTextAsync("#explorer-result-summary"), StringComparison.Ordinal);
        Assert.Contains($"{Dataset} {current.VersionId}", await page.InnerTextAsync("#explorer-result-summary"), StringComparison.Ordinal);
        var export = await page.APIRequest.GetAsync((await page.GetAttributeAsync("#explorer-export-csv", "href"))!);
        Assert.Equal(200, export.Status);
        Assert.Equal(expectedCsv, await export.TextAsync());
        var parquet = await page.APIRequest.GetAsync((await page.GetAttributeAsync("#explorer-export-parquet", "href"))!);
        Assert.Equal("PAR1", System.Text.Encoding.ASCII.GetString((await parquet.BodyAsync())[..4]));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "explorer-researcher.png"), FullPage = true });

        // Hostile SQL: each refused with its reason or stopped at a limit; the page answers the next query.
        (string Sql, string Says)[] hostile =
        [
            ("DELETE FROM crsp.daily", "Only SELECT"),
            ("COPY (SELECT * FROM crsp.daily) TO '/tmp/research-explorer-leak.csv'", "Only SELECT"),
            ("ATTACH '/tmp/research-explorer-other.duckdb' AS other", "Only SELECT"),
            ("SELECT * FROM read_csv('/etc/passwd')", "disabled by configuration"),
            ("SELECT * FROM read_parquet('https://example.com/data.parquet')", "disabled by configuration"),
            ("INSTALL httpfs", "Only SELECT"),
            ("LOAD httpfs", "Only SELECT"),
            ("SET enable_external_access = true", "Only SELECT"),
            ("SELECT current_setting('allowed_paths')", "is not available"),
            ("SELECT 1; DROP VIEW crsp.daily", "Only SELECT"),
            ("SELECT 1; SELECT 2", "exactly one"),
            ("SELECT count(*) FROM range(1000000000) a, range(1000000) b WHERE a.range + b.range = -1", "time limit"),
        ];
        foreach (var (sql, says) in hostile)
        {
            runs = await RunAsync(sql, runs);
            Assert.True(await page.Locator("#explorer-query-error").CountAsync() == 1, $"{sql}: no refusal shown");
            Assert.Contains(says, await page.InnerTextAsync("#explorer-query-error"), StringComparison.Ordinal);
            Assert.DoesNotContain(platform.DataRoot, await page.InnerTextAsync("#explorer-query-error"), StringComparison.Ordinal);
        }

        runs = await RunAsync("SELECT a.range AS i, b.range AS j FROM range(10000000000) a, range(10) b", runs); // 10^11 rows: streamed and cut at the row limit
        Assert.Contains("1,000 row(s)", await page.InnerTextAsync("#explorer-result-summary"), StringComparison.Ordinal);
        Assert.Contains("cut at 1,000 rows", await page.InnerTextAsync("#explorer-result-summary"), StringComparison.Ordinal);
        await RunAsync(Sql, runs);
        Assert.StartsWith($"{expectedRows.ToString("N0", CultureInfo.InvariantCulture)} row(s) in ", await page.InnerTextAsync("#explorer-result-summary"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "explorer-after-hostile.png"), FullPage = true });

        Assert.Equal(before, Fingerprint());
        Assert.False(File.Exists("/tmp/research-explorer-leak.csv"));
        Assert.False(File.Exists("/tmp/research-explorer-other.duckdb"));
        Assert.Equal(current.VersionId, new Research.Data.Warehouse.WarehouseCatalog(layout).ReadCurrent(Dataset)!.VersionId);
        var audited = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: researcherUser.Name, Action: ResearchActions.WarehouseQuery, Limit: 100), TestContext.Current.CancellationToken);
        Assert.Equal(hostile.Length, audited.Count(a => a.Entry.Outcome == "refused"));
        Assert.Contains(audited, a => a.Entry.Outcome == "ok" && a.Entry.Details!.Contains("export parquet", StringComparison.Ordinal));

        // The quality page: every version of the dataset, and the current version's missing sessions by month as the calendar gives them.
        await page.GotoAsync($"/data/quality?dataset={Uri.EscapeDataString(Dataset)}");
        await page.WaitForSelectorAsync("#quality-calendar-summary", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var sessions = Research.Core.Calendars.NyseCalendar.Instance.Sessions(new DateOnly(dates[0].Year, dates[0].Month, 1), dates[^1]).Count(d => d >= dates[0]);
        Assert.StartsWith($"{missing.ToString("N0", CultureInfo.InvariantCulture)} of {sessions.ToString("N0", CultureInfo.InvariantCulture)} NYSE sessions missing", await page.InnerTextAsync("#quality-calendar-summary"), StringComparison.Ordinal);
        Assert.Equal(new Research.Data.Warehouse.DatasetVersions(layout, TimeProvider.System).List(Dataset).Count, await page.Locator("#quality-versions tbody tr").CountAsync());
        await page.WaitForSelectorAsync("#quality-nulls-chart .main-svg .heatmaplayer", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "quality-researcher.png"), FullPage = true });

        // A viewer browses but has no SQL editor, and a forged export is refused and audited.
        var viewerUser = await platform.CreateUserAsync("viewer", twoFactor: false);
        var viewer = await SignInAtAsync(browser, viewerUser, "/data/explorer", "#explorer-ready");
        Assert.Equal((1, 0), (await viewer.Locator("#explorer-needs-role").CountAsync(), await viewer.Locator("#explorer-query").CountAsync()));
        Assert.Equal(403, (await viewer.APIRequest.GetAsync("/api/warehouse/export?format=csv&sql=" + Uri.EscapeDataString(Sql))).Status);
        var denied = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: viewerUser.Name, Action: ResearchActions.WarehouseQuery, Limit: 10), TestContext.Current.CancellationToken);
        Assert.Equal("denied", Assert.Single(denied).Entry.Outcome);
        await viewer.WaitForSelectorAsync("#coverage-chart .main-svg .scatterlayer path.js-line", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await viewer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "explorer-viewer.png"), FullPage = true });
    }

    /// <summary>The ticker traded most on the warehouse's last day (the paper broker fills it at that day's prices).</summary>
    [Fact]
    public async Task The_risk_dashboard_shows_the_librarys_decomposition_and_var_highlights_breached_budgets_and_keeps_accounts_from_viewers()
    {
        // The library over the same stored model: six stocks of the latest forecast, the cap-weighted benchmark, a tight
        // style budget that two or more factors breach.
        const string Budgets = "ind_*=0.5\n*=0.05";
        var layout = new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot);
        Research.Analytics.Risk.RiskDashboardResult expected;
        (string Asset, double Weight)[] book;
        DateOnly[] snapshots;
        Func<DateOnly, IReadOnlyList<Research.Analytics.Risk.ExposureDrillRow>> drill;
        using (var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System,
            [.. Research.Analytics.Risk.RiskModelStore.Datasets]))
        {
            var (first, last) = Research.Analytics.Risk.RiskModelStore.Coverage(session);
            var stored = Research.Analytics.Risk.RiskModelStore.LoadAt(session, last);
            book = [.. stored.Loadings.Keys.Where(stored.SpecificVariance.ContainsKey).Order().Take(6).Select((p, i) => (p.ToString(CultureInfo.InvariantCulture), (2 + i) / 20.0))];
            var holdings = book.Select(b => new Research.Analytics.Risk.PortfolioHolding(b.Asset, int.Parse(b.Asset, CultureInfo.InvariantCulture), b.Weight)).ToList();
            var benchmark = Research.Analytics.Risk.RiskDashboard.CapWeighted(Research.Analytics.Factors.FactorExposuresStore.LoadAt(session, "risk/exposures", stored.Date), stored);
            var (dates, returns) = Research.Analytics.Risk.RiskModelStore.FactorReturns(session, first, last);
            expected = Research.Analytics.Risk.RiskDashboard.Build(stored, holdings, benchmark, dates, returns, new Research.Analytics.Risk.RiskDashboardSettings
            {
                Budgets = [new("ind_*", 0.5), new("*", 0.05)],
            });

            // The heatmap's snapshots and the stocks behind the market exposure on one of them, as the library has them.
            snapshots = Research.Analytics.Risk.RiskModelStore.SnapshotDates(session, DateOnly.MinValue, DateOnly.MaxValue);
            var factors = Research.Analytics.Risk.RiskModelStore.Factors(session);
            var snapshotsByDate = snapshots.ToDictionary(d => d, d => Research.Analytics.Factors.FactorExposuresStore.LoadAt(session, "risk/exposures", d));
            var weights = holdings.ToDictionary(h => h.Permno, h => h.Weight);
            drill = d => Research.Analytics.Risk.ExposureHistory.Drill(factors, snapshotsByDate[d], weights, Research.Analytics.Risk.ExposureHistory.CapWeights(snapshotsByDate[d]), "market");
        }

        Assert.Contains(expected.Budgets, b => b.Breached);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/risk", "#risk-ready");

        // A malformed line is refused by its number, and nothing is shown for it.
        await viewer.FillAsync("#risk-portfolio", "asset,weight\n10001;0.5");
        await viewer.ClickAsync("#risk-analyze");
        await viewer.WaitForSelectorAsync("#risk-error");
        Assert.Contains("portfolio line 2: expected 'asset,weight'", await viewer.InnerTextAsync("#risk-error"), StringComparison.Ordinal);
        Assert.Equal(0, await viewer.Locator("#risk-result").CountAsync());

        await viewer.FillAsync("#risk-portfolio", "asset,weight\n" + string.Join("\n", book.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Asset},{b.Weight:R}"))));
        await viewer.FillAsync("#risk-budgets", Budgets);
        await viewer.ClickAsync("#risk-analyze");
        await viewer.WaitForSelectorAsync("#risk-result", new PageWaitForSelectorOptions { Timeout = 60_000 });
        async Task<double> Value(string selector) => double.Parse((await viewer.GetAttributeAsync(selector, "data-value"))!, CultureInfo.InvariantCulture);
        var report = expected.Report;
        Assert.Equal(report.Risk.Volatility, await Value("#risk-summary tr[data-line='total'] td[data-value]"), 1e-12);
        Assert.Equal(report.Risk.FactorVolatility, await Value("#risk-summary tr[data-line='factor'] td[data-value]"), 1e-12);
        Assert.Equal(report.Risk.SpecificVolatility, await Value("#risk-summary tr[data-line='specific'] td[data-value]"), 1e-12);
        Assert.Equal(report.TrackingError!.Daily, await Value("#risk-summary tr[data-line='tracking'] td[data-value]"), 1e-12);
        foreach (var (line, k) in report.ByFactor.Select((f, k) => (f, k)))
        {
            Assert.Equal(line.Contribution, await Value($"#risk-factors tr[data-factor='{line.Factor}'] td.contribution"), 1e-12);
            Assert.Equal(expected.Exposures[k].Active, double.Parse((await viewer.Locator($"#risk-factors tr[data-factor='{line.Factor}'] td[data-value]").Nth(2).GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture), 1e-12);
        }

        foreach (var asset in report.ByAsset)
        {
            Assert.Equal(asset.Contribution, await Value($"#risk-positions tr[data-permno='{asset.Permno}'] td.contribution"), 1e-12);
        }

        Assert.Equal(report.Risk.Volatility, report.ByAsset.Sum(a => a.Contribution), 1e-12);
        foreach (var m in expected.Measures)
        {
            var c = m.Confidence.ToString("0.##", CultureInfo.InvariantCulture);
            Assert.Equal(m.ValueAtRisk, await Value($"#risk-var tr[data-method='{m.Method}'] td[data-var='{c}']"), 1e-9);
            Assert.Equal(m.ExpectedShortfall, await Value($"#risk-var tr[data-method='{m.Method}'] td[data-es='{c}']"), 1e-9);
        }

        foreach (var s in expected.Scenarios)
        {
            var row = viewer.Locator($"#risk-stress tr[data-scenario='{s.Name}']");
            if (s.Result is { } r)
            {
                Assert.Equal(r.Total, double.Parse((await row.Locator("td[data-value]").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture), 1e-12);
            }
            else
            {
                Assert.Contains("not run", await row.InnerTextAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(expected.Budgets.Where(b => b.Breached).Select(b => b.Factor).Order(StringComparer.Ordinal),
            (await viewer.Locator("#risk-budget-table tr.breach").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.budget)")).Order(StringComparer.Ordinal));
        Assert.Contains("budget(s) breached", await viewer.InnerTextAsync("#risk-breaches"), StringComparison.Ordinal);
        await viewer.WaitForSelectorAsync("#risk-exposure-chart .main-svg .barlayer path", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });

        // Exposures over time: one column per snapshot; the stocks behind the market exposure on the latest snapshot (the
        // drill-down form's default).
        await viewer.WaitForSelectorAsync("#risk-history-summary", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(snapshots.Length.ToString(CultureInfo.InvariantCulture), await viewer.GetAttributeAsync("#risk-history-summary", "data-snapshots"));
        async Task ExpectDrillAsync(DateOnly date)
        {
            await viewer.WaitForSelectorAsync($"#risk-drill-summary[data-factor='market'][data-date='{date:yyyy-MM-dd}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var rows = drill(date);
            Assert.Equal(rows.Count, await viewer.Locator("#risk-drill tbody tr").CountAsync());
            foreach (var r in rows.Take(20))
            {
                Assert.Equal(r.Active, await Value($"#risk-drill tr[data-permno='{r.Permno}'] td.active"), 1e-12);
                Assert.Equal(r.Contribution, await Value($"#risk-drill tr[data-permno='{r.Permno}'] td.contribution"), 1e-12);
            }

            Assert.Equal(book.Sum(b => b.Weight), rows.Sum(r => r.Contribution), 12); // market loadings are 1: the exposure is the net weight
        }

        await viewer.ClickAsync("#risk-drill-run");
        await ExpectDrillAsync(snapshots[^1]);
        await viewer.WaitForSelectorAsync("#risk-heatmap .main-svg .heatmaplayer", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await viewer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "risk-viewer.png"), FullPage = true });
        await viewer.SetViewportSizeAsync(1400, 4200); // the layout scrolls inside its body: a tall window shows the whole result
        await viewer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "risk-viewer-result.png") });
        await viewer.SetViewportSizeAsync(1400, 1000);

        // An account's positions: a researcher (who may see accounts) gets them; a viewer is refused by the grain, which
        // the page says, even though the call reaches it from inside the cluster.
        var desk = "ui-risk-" + Guid.NewGuid().ToString("N")[..6];
        var trader = new CallerIdentity("trader", Role.Operator, "tests");
        await trader.RunAsync(() => platform.Cluster.GetGrain<Research.Grains.Abstractions.Trading.IExecutionGatewayGrain>(desk)
            .SubmitAsync(new Research.Grains.Abstractions.Trading.OrderTicket("r-1", LiquidTicker(), Research.Grains.Abstractions.Trading.TicketSide.Buy, 100)));
        var researcher = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), $"/risk?source=account&account={desk}", "#risk-ready");
        await researcher.WaitForSelectorAsync("#risk-result", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal($"account:{desk}", await researcher.GetAttributeAsync("#risk-result", "data-portfolio"));
        Assert.Contains("reported to the alert rules as risk-budget", await researcher.InnerTextAsync("#risk-breaches"), StringComparison.Ordinal);
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "risk-account-researcher.png"), FullPage = true });
        // The account's fills in the trade journal: one buy, one open round trip with no P&L yet.
        await researcher.GotoAsync($"/journal?source=account&account={desk}");
        await researcher.WaitForSelectorAsync("#journal-result", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal($"account:{desk}", await researcher.GetAttributeAsync("#journal-result", "data-label"));
        Assert.Equal(1, await researcher.Locator("#journal-trades tbody tr").CountAsync());
        Assert.Equal("open", (await researcher.InnerTextAsync("#journal-trips tbody tr td:nth-child(5)")).Trim());
        Assert.Equal("0", await researcher.GetAttributeAsync("#journal-summary tr[data-stat='closed'] td", "data-value"));

        // Its tax lots: the page links them, and the journal's CSV export reads as the tax ledger's trades (the fill, its cost as fees).
        Assert.Equal($"/tax?accounts={desk}", await researcher.GetAttributeAsync("#journal-tax-lots", "href"));
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "journal-account-researcher.png"), FullPage = true });
        var exported = Path.Combine(Path.GetTempPath(), $"journal-{desk}.csv");
        await File.WriteAllTextAsync(exported, await (await researcher.APIRequest.GetAsync(await researcher.GetAttributeAsync("#journal-export-csv", "href") ?? string.Empty)).TextAsync());
        try
        {
            var lot = Assert.Single(Research.Trading.Tax.LotLedger.Run(Research.Trading.Tax.TaxTradeFile.ReadTrades(exported)).OpenLots);
            Assert.Equal(desk, lot.Account);
        }
        finally
        {
            File.Delete(exported);
        }

        await viewer.GotoAsync($"/risk?source=account&account={desk}");
        await viewer.WaitForSelectorAsync("#risk-error", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Contains("'trading.view' refused", await viewer.InnerTextAsync("#risk-error"), StringComparison.Ordinal);
        Assert.Equal(0, await viewer.Locator("#risk-result").CountAsync());
        await viewer.GotoAsync($"/journal?source=account&account={desk}");
        await viewer.WaitForSelectorAsync("#journal-error", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Contains("'trading.view' refused", await viewer.InnerTextAsync("#journal-error"), StringComparison.Ordinal);

        var audit = await new CallerIdentity("auditor", Role.Admin, "tests").RunAsync(() =>
            platform.Cluster.GetGrain<Research.Grains.Abstractions.Security.IAuditGrain>(0).ReadAsync(new Research.Grains.Abstractions.Security.AuditFilter(Action: ResearchActions.RiskView, Limit: 50)));
        Assert.Contains(audit, e => e.Target == $"account:{desk}" && e.Actor.StartsWith("researcher", StringComparison.Ordinal) && e.Outcome == "ok");
    }

    private string LiquidTicker()
    {
        using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot), Research.Data.Warehouse.VersionSelector.Current,
            Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, ["crsp/daily", "crsp/names"]);
        return (string)session.Query("SELECT n.ticker FROM crsp.names n JOIN crsp.daily d ON d.permno = n.permno AND d.date = (SELECT max(date) FROM crsp.daily) WHERE d.date BETWEEN n.namedt AND n.nameendt ORDER BY d.vol DESC LIMIT 1").Rows[0][0]!;
    }

    [Fact]
    public async Task An_operator_syncs_a_dataset_from_the_data_page_after_confirming_and_sees_the_new_version_without_reload_a_researcher_is_refused_and_audited()
    {
        const string Dataset = "famafrench/factors_daily";
        var layout = new Research.Data.Warehouse.WarehouseLayout(platform.DataRoot);
        var before = new Research.Data.Warehouse.WarehouseCatalog(layout).ReadCurrent(Dataset)!.VersionId;
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;

        // A researcher sees the datasets but no trigger; a forged start is refused and audited.
        var researcherUser = await platform.CreateUserAsync("researcher", twoFactor: false);
        var researcher = await SignInAtAsync(browser, researcherUser, "/data/sync", "#sync-ready");
        Assert.Equal((1, 0), (await researcher.Locator("#sync-needs-role").CountAsync(), await researcher.Locator("#sync-form").CountAsync()));
        Assert.Contains(before, await researcher.InnerTextAsync($"tr[data-dataset='{Dataset}'] .version"), StringComparison.Ordinal);
        var token = ConsoleClient.Token(await (await researcher.APIRequest.GetAsync("/account")).TextAsync());
        var forged = await researcher.APIRequest.PostAsync("/api/warehouse/sync", new APIRequestContextOptions
        {
            DataObject = new { datasets = new[] { Dataset }, incremental = false },
            Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = token },
        });
        Assert.Equal(403, forged.Status);
        var denied = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: researcherUser.Name, Action: ResearchActions.WarehouseSync, Limit: 10), TestContext.Current.CancellationToken);
        Assert.Equal("denied", Assert.Single(denied).Entry.Outcome);
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "data-sync-researcher.png"), FullPage = true });

        // An operator: choose the dataset, a full sync, confirm; the new version shows up on the page without a reload.
        var ops = await SignInAtAsync(browser, await platform.CreateUserAsync("operator", twoFactor: true), "/data/sync", "#sync-ready");
        await ops.ClickAsync("#sync-dataset");
        await ops.ClickAsync($".rz-dropdown-item:has-text('{Dataset}')");
        await ops.ClickAsync("#sync-mode");
        await ops.ClickAsync(".rz-dropdown-item:has-text('full')");
        await ops.ClickAsync("#sync-start");
        await ops.WaitForSelectorAsync("#sync-confirm");
        Assert.Contains($"full (everything again) sync of {Dataset}", await ops.InnerTextAsync("#sync-confirm"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, new Research.Data.Warehouse.WarehouseCatalog(layout).ReadCurrent(Dataset)!.VersionId); // not yet: it asks first
        await ops.ClickAsync("#sync-confirm");
        try
        {
            await ops.WaitForFunctionAsync($"() => !document.querySelector(\"tr[data-dataset='{Dataset}'] .version\").textContent.includes('{before}')", null, new PageWaitForFunctionOptions { Timeout = 180_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no new version of {Dataset} on the page: {await ops.InnerTextAsync("#sync-job")} / {(await ops.Locator("#sync-message").CountAsync() > 0 ? await ops.InnerTextAsync("#sync-message") : "no message")}");
        }
        var after = new Research.Data.Warehouse.WarehouseCatalog(layout).ReadCurrent(Dataset)!.VersionId;
        Assert.NotEqual(before, after);
        Assert.Contains(after, await ops.InnerTextAsync($"tr[data-dataset='{Dataset}'] .version"), StringComparison.Ordinal);
        await ops.WaitForFunctionAsync("() => document.querySelector('#sync-state')?.textContent.includes('succeeded')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "data-sync-operator.png"), FullPage = true });
        var started = await platform.Storage.Audit.ReadAsync(new AuditQuery(Action: ResearchActions.WarehouseSync, Limit: 20), TestContext.Current.CancellationToken);
        Assert.Contains(started, a => a.Entry.Outcome == "ok" && a.Entry.Actor.StartsWith("operator", StringComparison.Ordinal) && a.Entry.Target == Dataset);

        // The sync log has the publish; the researcher saw no schedule controls.
        await ops.WaitForSelectorAsync($"#sync-log tr[data-dataset='{Dataset}'][data-action='publish']:has-text('{after}')", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(0, await researcher.Locator(".etl-edit").CountAsync());

        // An operator sets a schedule for prices/daily, a bad cron is refused naming it, then the schedule is removed after a confirmation.
        const string Etl = "tr[data-etl='prices/daily']";
        await ops.ClickAsync($"{Etl} .etl-edit");
        await ops.FillAsync("#etl-cron", "not a cron");
        await ops.FillAsync("#etl-symbols", "aaa, BBB");
        await ops.ClickAsync("#etl-save");
        await ops.WaitForFunctionAsync("() => document.querySelector('#sync-message')?.textContent.includes(\"Cron expression 'not a cron'\")", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await ops.FillAsync("#etl-cron", "0 7 * * 1");
        await ops.ClickAsync("#etl-save");
        await ops.WaitForFunctionAsync("() => document.querySelector('#sync-message')?.textContent.includes('Schedule of prices/daily saved')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        Assert.Equal("'0 7 * * 1' (America/New_York), 2 symbol(s) from 2020-01-02, source auto", await ops.InnerTextAsync($"{Etl} .schedule"));
        var next = DateTime.ParseExact(await ops.InnerTextAsync($"{Etl} .next"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        var local = TimeZoneInfo.ConvertTimeFromUtc(next, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal((DayOfWeek.Monday, 7, 0), (local.DayOfWeek, local.Hour, local.Minute));
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "data-sync-schedule.png"), FullPage = true });
        await ops.ClickAsync($"{Etl} .etl-remove");
        await ops.ClickAsync($"{Etl} .etl-remove-confirm");
        await ops.WaitForFunctionAsync($"() => document.querySelector(\"{Etl} .schedule\").textContent === 'none'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        foreach (var action in new[] { "etl.schedule.set", "etl.schedule.remove" })
        {
            var audited = await platform.Storage.Audit.ReadAsync(new AuditQuery(Action: action, Limit: 20), TestContext.Current.CancellationToken);
            Assert.Contains(audited, a => a.Entry.Target == "prices/daily" && a.Entry.Actor.StartsWith("operator", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_tax_page_shows_the_lots_gains_and_wash_sale_of_an_accounts_fills_as_the_ledger_computes_them_and_exports_form_8949()
    {
        // A round trip that loses its costs, then the same shares again the same day: a wash sale.
        var ticker = LiquidTicker();
        var desk = "ui-tax-" + Guid.NewGuid().ToString("N")[..6];
        var gateway = platform.Cluster.GetGrain<Research.Grains.Abstractions.Trading.IExecutionGatewayGrain>(desk);
        var trader = new CallerIdentity("trader", Role.Operator, "tests");
        foreach (var (id, side) in new[] { ("t-1", Research.Grains.Abstractions.Trading.TicketSide.Buy), ("t-2", Research.Grains.Abstractions.Trading.TicketSide.Sell), ("t-3", Research.Grains.Abstractions.Trading.TicketSide.Buy) })
        {
            await trader.RunAsync(() => gateway.SubmitAsync(new Research.Grains.Abstractions.Trading.OrderTicket(id, ticker, side, 100)));
        }

        // The library on the same fills: the numbers the page must show.
        var fills = await trader.RunAsync(() => gateway.FillsAsync(0, 100));
        Assert.Equal(3, fills.Length);
        var expected = Research.Trading.Tax.LotLedger.Run([.. fills.Select(f => Research.Trading.Tax.TaxTrade.FromFill(desk, f.Sequence, f.At, f.Symbol, f.Side == Research.Grains.Abstractions.Trading.TicketSide.Buy, f.Quantity, f.Price, f.Cost))],
            new Research.Trading.Tax.TaxLedgerOptions());
        var wash = Assert.Single(expected.WashSales);
        string M(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero).ToString("N2", CultureInfo.InvariantCulture);

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcher = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), "/tax", "#tax-ready");
        await researcher.ClickAsync("#tax-compute");
        await researcher.WaitForSelectorAsync("#tax-error");
        Assert.Contains("accounts: name at least one execution gateway account", await researcher.InnerTextAsync("#tax-error"), StringComparison.Ordinal);
        await researcher.FillAsync("#tax-accounts", desk);
        await researcher.ClickAsync("#tax-compute");
        await researcher.WaitForSelectorAsync("#tax-wash");
        Assert.Equal(M(wash.DisallowedLoss), (await researcher.InnerTextAsync("#tax-wash .disallowed")).Trim());
        var lot = Assert.Single(expected.OpenLots);
        Assert.Contains(M(lot.Basis), await researcher.InnerTextAsync($"#tax-lots tr[data-lot='{lot.BuyId}']"), StringComparison.Ordinal);
        var line = Assert.Single(expected.Disposals);
        Assert.Equal(M(line.Gain), (await researcher.InnerTextAsync($"#tax-lines tr[data-sale='{line.SaleId}'] .gain")).Trim());
        Assert.True(line.Disallowed > 0 && line.Gain == 0, $"the loss {line.Proceeds - line.Basis} is disallowed in full: gain {line.Gain}");

        // Harvesting at the last close (the price the paper broker filled at): the open lot's basis carries the disallowed
        // loss and its costs, so selling it now would lose exactly that much over its value.
        var lastBuy = fills[^1];
        Assert.Equal(M(lot.Basis - (lot.Quantity * (decimal)lastBuy.Price)), (await researcher.InnerTextAsync($"#tax-harvest tr[data-lot='{lot.BuyId}'] .loss")).Trim());
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "tax-researcher.png"), FullPage = true });

        var csv = await (await researcher.APIRequest.GetAsync(await researcher.GetAttributeAsync("#tax-export-8949", "href") ?? string.Empty)).TextAsync();
        Assert.Equal(Research.Trading.Tax.TaxExports.Form8949Csv(expected.Disposals), csv);

        // A viewer may not open it; the researcher's computation is in the audit log.
        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/alerts", "#alerts-ready");
        await viewer.GotoAsync("/tax");
        await viewer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/denied");
        var audit = await new CallerIdentity("auditor", Role.Admin, "tests").RunAsync(() =>
            platform.Cluster.GetGrain<Research.Grains.Abstractions.Security.IAuditGrain>(0).ReadAsync(new Research.Grains.Abstractions.Security.AuditFilter(Action: "tax.compute", Limit: 50)));
        Assert.Contains(audit, e => e.Target == desk && e.Actor.StartsWith("researcher", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_researcher_makes_a_report_and_opens_its_pdf_an_operator_schedules_and_runs_one_a_viewer_only_reads()
    {
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var schedule = "ui-weekly-" + Guid.NewGuid().ToString("N")[..6];

        // A researcher: a template that needs a subject is refused in words; a data-quality report is made and its PDF opens.
        var researcher = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), "/reports", "#reports-ready");
        Assert.Equal(1, await researcher.Locator("#schedules-need-role").CountAsync());
        await researcher.ClickAsync("#run-template");
        await researcher.ClickAsync(".rz-dropdown-item:has-text('backtest')");
        // The label is rendered by the server: once it shows the choice, the server has it (a click before that made a data-quality report).
        await researcher.WaitForFunctionAsync("() => document.querySelector('#run-template').textContent.includes('backtest')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await researcher.ClickAsync("#report-run");
        await researcher.WaitForFunctionAsync("() => document.querySelector('#reports-message')?.textContent.includes(\"subject: template 'backtest' needs one\")", null, new PageWaitForFunctionOptions { Timeout = 90_000 });
        await researcher.ClickAsync("#run-template");
        await researcher.ClickAsync(".rz-dropdown-item:has-text('data-quality')");
        await researcher.WaitForFunctionAsync("() => document.querySelector('#run-template').textContent.includes('data-quality')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await researcher.ClickAsync("#report-run");
        await researcher.WaitForFunctionAsync("() => !(document.querySelector('#reports-message')?.textContent ?? 'subject:').includes('subject:')", null, new PageWaitForFunctionOptions { Timeout = 90_000 });
        var made = await researcher.InnerTextAsync("#reports-message");
        var id = System.Text.RegularExpressions.Regex.Match(made, @"Report (\S+) made: Data quality\.").Groups[1].Value;
        Assert.True(id.Length > 0, made);
        var row = $"tr[data-report='{id}']";
        await researcher.WaitForSelectorAsync($"{row}.chosen .report-pdf");
        Assert.Contains("crsp/daily", await researcher.InnerTextAsync($"{row} .versions"), StringComparison.Ordinal);
        var pdf = await researcher.APIRequest.GetAsync($"/api/reports/{id}/pdf");
        Assert.Equal(200, pdf.Status);
        using (var document = UglyToad.PdfPig.PdfDocument.Open(await pdf.BodyAsync()))
        {
            var words = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("Data quality", words, StringComparison.Ordinal);
            Assert.Contains("crsp/daily", words, StringComparison.Ordinal);
        }

        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "reports-researcher.png"), FullPage = true });

        // An operator: a bad cron is refused naming it; a schedule saved, run now, its report archived; removed after a confirmation.
        var ops = await SignInAtAsync(browser, await platform.CreateUserAsync("operator", twoFactor: true), $"/reports?id={id}", "#reports-ready");
        Assert.Equal(1, await ops.Locator($"{row}.chosen").CountAsync());
        await ops.FillAsync("#schedule-name", schedule);
        await ops.FillAsync("#schedule-cron", "mondays");
        await ops.ClickAsync("#schedule-save");
        await ops.WaitForFunctionAsync("() => document.querySelector('#reports-message')?.textContent.includes(\"Cron expression 'mondays'\")");
        await ops.FillAsync("#schedule-cron", "30 7 * * 1");
        await ops.ClickAsync("#schedule-save");
        var scheduled = $"tr[data-schedule='{schedule}']";
        await ops.WaitForSelectorAsync(scheduled);
        await ops.ClickAsync($"{scheduled} .schedule-run");
        await ops.WaitForFunctionAsync($"() => document.querySelector(\"{scheduled} .last-run\")?.textContent.startsWith('archived')", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "reports-operator.png"), FullPage = true });
        await ops.ClickAsync($"{scheduled} .schedule-remove");
        Assert.Equal(1, await ops.Locator(scheduled).CountAsync()); // not yet: it asks first
        await ops.ClickAsync($"{scheduled} .schedule-remove-confirm");
        await ops.WaitForFunctionAsync($"() => !document.querySelector(\"{scheduled}\")");

        // A viewer reads the archive and downloads, with no form.
        var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/reports", "#reports-ready");
        Assert.Equal((0, 0, 1, 1), (await viewer.Locator("#run-form").CountAsync(), await viewer.Locator("#schedule-form").CountAsync(), await viewer.Locator("#run-needs-role").CountAsync(), await viewer.Locator($"{row} .report-html").CountAsync()));
        Assert.Equal(200, (await viewer.APIRequest.GetAsync($"/api/reports/{id}/html")).Status);
        await viewer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "reports-viewer.png"), FullPage = true });
        var downloads = await new CallerIdentity("auditor", Role.Admin, "tests").RunAsync(() =>
            platform.Cluster.GetGrain<Research.Grains.Abstractions.Security.IAuditGrain>(0).ReadAsync(new Research.Grains.Abstractions.Security.AuditFilter(Action: "reports.download", Limit: 50)));
        Assert.Contains(downloads, e => e.Target == id && e.Actor.StartsWith("viewer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_trading_page_shows_breakers_and_accounts_and_only_an_operator_trips_and_resets_with_a_code()
    {
        // An account with a fill and a resting limit order, sent as an operator through the cluster.
        var ticker = LiquidTicker();

        var desk = "ui-desk-" + Guid.NewGuid().ToString("N")[..6];
        var gateway = platform.Cluster.GetGrain<Research.Grains.Abstractions.Trading.IExecutionGatewayGrain>(desk);
        var trader = new CallerIdentity("trader", Role.Operator, "tests");
        await trader.RunAsync(() => gateway.SubmitAsync(new Research.Grains.Abstractions.Trading.OrderTicket("ui-1", ticker, Research.Grains.Abstractions.Trading.TicketSide.Buy, 50)));
        await trader.RunAsync(() => gateway.SubmitAsync(new Research.Grains.Abstractions.Trading.OrderTicket("ui-2", ticker, Research.Grains.Abstractions.Trading.TicketSide.Buy, 5, LimitPrice: 0.01)));

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        Task<IPage> OpenAsync(TestUser user) => SignInAtAsync(browser, user, "/trading", "#trading-ready");

        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var researcher = await OpenAsync(await platform.CreateUserAsync("researcher", twoFactor: false));
        Assert.Contains($"{desk}: equity", await researcher.InnerTextAsync("#accounts-card"), StringComparison.Ordinal);
        Assert.Equal(0, await researcher.Locator("#breaker-form").CountAsync()); // reading only
        Assert.Equal(0, await researcher.Locator("#trading-error").CountAsync());
        await researcher.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "trading-researcher.png"), FullPage = true });

        var operatorUser = await platform.CreateUserAsync("operator", twoFactor: true);
        var ops = await OpenAsync(operatorUser);
        await ops.FillAsync("#breaker-scope", $"account:{desk}");
        await ops.FillAsync("#breaker-reason", "desk check");
        await ops.ClickAsync("#trip");
        await ops.WaitForSelectorAsync($".breaker.tripped[data-scope='account:{desk}']");
        Assert.Contains("is tripped: desk check", await ops.InnerTextAsync("#trading-message"), StringComparison.Ordinal);
        await Eventually.UntilAsync(async () => (await trader.RunAsync(() => gateway.OrdersAsync(true, 10))).Length, n => n == 0, "the resting order cancelled by the trip", cancellationToken: TestContext.Current.CancellationToken);

        // Without a code the reset is refused; with the next step's code (the sign-in used this one) it closes the breaker.
        await ops.ClickAsync("#reset");
        await ops.WaitForFunctionAsync("() => document.querySelector('#trading-message')?.innerText.includes('authenticator')");
        await ops.FillAsync("#breaker-code", Totp.Code(operatorUser.TotpKey!, DateTimeOffset.UtcNow.AddSeconds(30)));
        await ops.ClickAsync("#reset");
        await ops.WaitForSelectorAsync($".breaker.closed[data-scope='account:{desk}']");
        await ops.ClickAsync($".breaker[data-scope='account:{desk}'] button");
        await ops.WaitForSelectorAsync("#breaker-history tbody tr");
        Assert.Equal(["reset", "trip"], (await ops.Locator("#breaker-history tbody tr td:nth-child(2)").AllInnerTextsAsync()).ToArray());
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "trading-operator.png"), FullPage = true });

        // A manual close: the effect shown first (nothing changes), then applied with a reason and a later step's code.
        await ops.ClickAsync($".account[data-account='{desk}'] tr[data-position='{ticker}'] .control-close");
        await ops.WaitForSelectorAsync("#control-confirm");
        Assert.StartsWith($"close {ticker}: cancel 0 open order(s); sell 50 {ticker} at about", await ops.InnerTextAsync("#control-summary"), StringComparison.Ordinal);
        Assert.Equal(50, (await trader.RunAsync(() => gateway.AccountAsync())).Positions.Single().Quantity);
        await ops.FillAsync("#control-reason", "desk wind-down");
        await ops.FillAsync("#control-code", Totp.Code(operatorUser.TotpKey!, DateTimeOffset.UtcNow.AddSeconds(60)));
        await ops.ClickAsync("#control-apply");
        await ops.WaitForFunctionAsync("() => !(document.querySelector('#trading-message')?.innerText ?? '').includes('next reset')");
        var closed = await ops.InnerTextAsync("#trading-message");
        Assert.Contains($"Done: close {ticker}: cancel 0 open order(s); sell 50 {ticker} at about", closed, StringComparison.Ordinal);
        Assert.DoesNotContain((await trader.RunAsync(() => gateway.AccountAsync())).Positions, p => p.Quantity != 0);
        Assert.Equal(0, await ops.Locator("#control-confirm").CountAsync());
        await ops.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "trading-close-operator.png"), FullPage = true });
        Assert.Equal(0, await researcher.Locator(".control-close").CountAsync()); // a researcher sees no controls
        var audit = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: operatorUser.Name, Limit: 20), TestContext.Current.CancellationToken);
        Assert.Contains(audit, a => a.Entry.Action == ResearchActions.OrderControl && a.Entry.Target == $"{desk}/close/{ticker}" && a.Entry.Outcome == "ok");
        Assert.Contains(audit, a => a.Entry.Action == ResearchActions.BreakerTrip && a.Entry.Target == $"account:{desk}" && a.Entry.Outcome == "ok");
        Assert.Contains(audit, a => a.Entry.Action == ResearchActions.BreakerReset && a.Entry.Outcome == "denied");
        Assert.Contains(audit, a => a.Entry.Action == ResearchActions.BreakerReset && a.Entry.Outcome == "ok");
    }

    [Fact]
    public async Task Every_result_kind_opens_in_the_browser_without_an_error()
    {
        // A backtest, a Monte Carlo of it and a walk-forward, submitted as the researcher through the cluster.
        var researcher = await platform.CreateUserAsync("researcher", twoFactor: false);
        Task<string> RunAsync(JobSubmission submission) => platform.RunJobAsync(new CallerIdentity(researcher.Name, Role.Researcher, "tests"), submission);

        var backtest = await RunAsync(new JobSubmission(new BacktestJobSpec("low-vol", Quantile: 0.23), null, JobPriority.Normal, researcher.Name));
        var monteCarlo = await RunAsync(new JobSubmission(null, new MonteCarloJobSpec(backtest, 300), JobPriority.Normal, researcher.Name));
        var hold = await RunAsync(new JobSubmission(new BacktestJobSpec("buy-and-hold"), null, JobPriority.Normal, researcher.Name));
        var walkForward = await RunAsync(new JobSubmission(null, null, JobPriority.Normal, researcher.Name,
            new WalkForwardJobSpec(new BacktestJobSpec("momentum"), ["momentum", "low-vol"], [0.2, 0.3], TrainSessions: 126, TestSessions: 63)));
        string[] definitions = [.. Research.Analytics.Alpha.Signals.SignalGrid.Expand("""{"name": "ui", "terms": [{"descriptor": ["momentum_12_1", "low_vol"]}]}""", "ui.json").Select(d => d.CanonicalJson())];
        var sweep = await RunAsync(new JobSubmission(null, null, JobPriority.Normal, researcher.Name,
            SignalSweep: new SignalSweepJobSpec(definitions, new DateOnly(2023, 6, 1), new DateOnly(2024, 6, 28), Every: 10, Horizons: [1, 5], Name: "ui", Question: "console test")));

        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var problems = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) { problems.Add($"{r.Status} {r.Url}"); } };
        page.Console += (_, m) => { if (m.Type == "error") { problems.Add(m.Text); } };
        await page.GotoAsync("/signin");
        await page.FillAsync("#username", researcher.Name);
        await page.FillAsync("#password", researcher.Password);
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;

        async Task OpenAsync(string path, string ready, string shot)
        {
            var response = await page.GotoAsync(path);
            Assert.True(response is { Status: 200 }, $"{path}: HTTP {response?.Status}");
            try
            {
                await page.WaitForSelectorAsync(ready, new PageWaitForSelectorOptions { Timeout = 60_000 });
            }
            catch (TimeoutException e)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "failed-" + shot), FullPage = true });
                throw new TimeoutException($"{path}: no {ready} after 60 s (screenshot failed-{shot}); page: {await page.InnerTextAsync("body")}; html: {(await page.ContentAsync())[..Math.Min(3000, (await page.ContentAsync()).Length)]}", e);
            }

            if (path.StartsWith("/backtests/", StringComparison.Ordinal) && !path.Contains("compare", StringComparison.Ordinal))
            {
                // The interactive render loads the page again after the prerendered one: look once it has.
                await page.WaitForSelectorAsync("#result-ready[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                await page.WaitForSelectorAsync(ready, new PageWaitForSelectorOptions { Timeout = 60_000 });
            }

            Assert.Equal(0, await page.Locator("#result-error, #compare-error").CountAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, shot), FullPage = true });
        }

        // A signal sweep: its variants strongest first, with p-values adjusted over the sweep, and its settings.
        await OpenAsync($"/backtests/{sweep}", "#sweep tbody tr", "signal-sweep.png");
        Assert.Equal(2, await page.Locator("#sweep tbody tr").CountAsync());
        Assert.Contains("terms[0].descriptor=", await page.InnerTextAsync("#sweep tbody tr:first-child"), StringComparison.Ordinal);
        Assert.Contains("console test", await page.InnerTextAsync("#settings"), StringComparison.Ordinal);
        Assert.Contains("Significant at 5% after Holm", await page.InnerTextAsync("#metrics"), StringComparison.Ordinal);

        await OpenAsync($"/backtests/{walkForward}", "#windows tbody tr", "walk-forward.png");
        Assert.True(await page.Locator("#windows tbody tr").CountAsync() >= 2);
        Assert.Contains("In-sample sharpe", await page.InnerTextAsync("#windows thead"), StringComparison.Ordinal);
        Assert.Contains("Probability of backtest overfitting", await page.InnerTextAsync("#metrics"), StringComparison.Ordinal);
        await page.WaitForSelectorAsync("#equity-chart .main-svg .scatterlayer path.js-line");

        Assert.Contains("momentum, low-vol", await page.InnerTextAsync("#settings"), StringComparison.Ordinal);

        // A backtest's settings, and "run again with changes" opens the form with them.
        await OpenAsync($"/backtests/{backtest}", "#settings", "backtest-settings.png");
        Assert.Contains("0.23", await page.InnerTextAsync("#settings"), StringComparison.Ordinal);

        // The tear sheet: calendar years, the worst drawdowns, rolling figures, and the market (or why there is none).
        Assert.True(await page.Locator("#years tbody tr").CountAsync() >= 2);
        Assert.True(await page.Locator("#drawdowns tbody tr").CountAsync() >= 1);
        Assert.Equal(1, await page.Locator("#benchmark, #no-benchmark").CountAsync());
        await page.WaitForSelectorAsync("#rolling-chart .main-svg .scatterlayer path.js-line");
        await page.WaitForSelectorAsync("#returns-chart .main-svg .barlayer"); // the distribution of daily returns
        // Exposure (long, short, gross, net), turnover and the two legs' contributions over time.
        Assert.Equal(4, await page.Locator("#exposure-chart .main-svg .scatterlayer path.js-line").CountAsync());
        await page.WaitForSelectorAsync("#turnover-chart .main-svg .scatterlayer path.js-line");
        Assert.Equal(2, await page.Locator("#legs-chart .main-svg .scatterlayer path.js-line").CountAsync());
        Assert.Equal(["Long leg", "Short leg"], (await page.Locator("#legs-chart .legendtext").AllTextContentsAsync()).ToArray());
        // Factor attribution (Carhart four factors by default): loadings with intervals, the fit, market timing and the
        // rolling loadings of the four factors.
        Assert.Equal(["alpha", "mktrf", "smb", "hml", "umd"], (await page.Locator("#attribution tbody tr th").AllInnerTextsAsync()).ToArray());
        Assert.Matches(@"^-?\d\.\d{4} to -?\d\.\d{4}$", await page.InnerTextAsync("#attribution tbody tr[data-factor='mktrf'] td:nth-child(3)"));
        Assert.Contains("Up-market beta", await page.InnerTextAsync("#attribution-timing"), StringComparison.Ordinal);
        Assert.Contains("famafrench/factors_daily", await page.InnerTextAsync("#attribution-summary"), StringComparison.Ordinal);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#attribution-rolling-chart .main-svg .scatterlayer path.js-line').length === 4");
        // Positions and trades name their securities as they were named then (ticker and company), not only by PERMNO.
        Assert.Matches(@"^\d+\t[A-Z]+\t\S.*\t-?[\d.]+ ?%\t-?[\d,]+$", await page.InnerTextAsync("#positions tbody tr:first-child"));
        var (riskLink, heldOn) = ((await page.GetAttributeAsync("#positions-risk", "href"))!, (await page.InnerTextAsync("#positions-heading"))[13..23]);
        Assert.Contains("Ticker (then)", await page.InnerTextAsync("#trades"), StringComparison.OrdinalIgnoreCase);
        // Trades of one security: the grid then shows only its rows. The grid is virtualised: it is brought into view as a
        // reader scrolls to it (once, under CI load, its rows had not appeared after 30 s; the heading and a picture of the
        // grid are kept if that happens again).
        await page.Locator("#trades").ScrollIntoViewIfNeededAsync();
        try
        {
            await page.Locator("#trades tr.rz-data-row").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        }
        catch (TimeoutException e)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "result-trades-missing.png"), FullPage = true });
            var heading = await page.EvaluateAsync<string>("() => (document.body.innerText.match(/Trades \\([\\d,]+\\)/) || ['no trades heading'])[0]");
            throw new TimeoutException($"no trade rows under '{heading}'; the grid says: {await page.InnerTextAsync("#trades")}", e);
        }

        var firstPermno = (await page.Locator("#trades tr.rz-data-row td:nth-child(2)").First.InnerTextAsync()).Trim();
        await page.FillAsync("#trade-permno input", firstPermno);
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("#trade-apply");
        await page.WaitForFunctionAsync($"() => (rows => rows.length > 0 && rows.every(td => td.innerText.trim() === '{firstPermno}'))([...document.querySelectorAll('#trades tr.rz-data-row td:nth-child(2)')])");
        var download = await page.APIRequest.GetAsync((await page.GetAttributeAsync("#trades-csv", "href"))!);
        Assert.Equal(200, download.Status);
        var csv = (await download.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("date,permno,ticker,company,weight_before,weight_after,price,shares,value,realized_pnl,cost", csv[0]);
        Assert.True(csv.Length > 100, $"{csv.Length - 1} trades in the CSV");
        Assert.All(csv.Skip(1), line => Assert.Matches(@"^\d{4}-\d\d-\d\d,\d+,[A-Z]+,[^,]+(,[-\dE.]+){7}$", line));
        // A trade's value is its weight change times the capital then (a buy positive, a sale negative), and its shares
        // are the value at the trade's price.
        foreach (var f in csv.Skip(1).Select(l => l.Split(',').Skip(4).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()))
        {
            Assert.Equal(Math.Sign(f[1] - f[0]), Math.Sign(f[4]));
            Assert.True(f[2] > 0, $"price {f[2]}");
            Assert.Equal(f[4], f[3] * f[2], Math.Abs(f[4]) * 1e-9);
        }

        // Pinning makes the run its strategy's record (the button says what it will do next).
        await page.WaitForSelectorAsync("#result-ready[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        Assert.Contains("Pin as the strategy's record", await page.InnerTextAsync("#pin"), StringComparison.OrdinalIgnoreCase); // buttons are shown in capitals
        await page.ClickAsync("#pin");
        await page.WaitForFunctionAsync("() => document.querySelector('#pin').innerText.toLowerCase().includes('unpin')");

        // One view, one audit row, although the page loads twice (prerendered, then interactive).
        await page.WaitForSelectorAsync("#result-ready[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        var views = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: researcher.Name, Action: "backtest.view", Limit: 50), TestContext.Current.CancellationToken);
        Assert.Single(views, v => v.Entry.Target == backtest && v.Entry.Details == "result opened");
        await page.ClickAsync("#rerun");
        await page.WaitForURLAsync($"**/backtests?rerun={backtest}");
        await page.WaitForSelectorAsync("#submit-card");
        await Eventually.UntilAsync(() => page.InputValueAsync("#quantile input"), v => v == "0.23", "the form to carry the previous quantile");

        // A chosen benchmark: another run over the same sessions; one that lacks some is refused with the reason, and the
        // sheet stays against the market.
        // The run's trade journal: round trips and their win/loss figures as the library makes them from the stored trades;
        // a tag and a note kept and audited; the tag filter and the CSV export carry them.
        var reader = new CallerIdentity("tests", Role.Researcher, "tests");
        var results = platform.Cluster.GetGrain<IBacktestResultGrain>(0);
        var stored = new List<Research.Trading.Journal.JournalTrade>();
        for (var skip = 0; ; skip += 1_000)
        {
            var tradePage = await reader.RunAsync(() => results.GetTradesAsync(backtest, skip, 1_000));
            stored.AddRange(tradePage.Rows.Select(t => new Research.Trading.Journal.JournalTrade($"{backtest}:{t.Date:yyyyMMdd}:{t.Permno}", "bt", null, new DateTimeOffset(t.Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                t.Permno.ToString(CultureInfo.InvariantCulture), t.WeightAfter - t.WeightBefore, t.Price ?? double.NaN,
                t.Value is { } tv && t.WeightAfter != t.WeightBefore ? t.Cost * Math.Abs(tv / (t.WeightAfter - t.WeightBefore)) : 0, t.Realized, t.WeightAfter)));
            if (tradePage.Rows.Length < 1_000)
            {
                break;
            }
        }

        var journal = Research.Trading.Journal.TradeJournal.Summarise(Research.Trading.Journal.TradeJournal.RoundTrips(stored));
        await OpenAsync($"/journal?source=backtest&job={backtest}", "#journal-result", "journal.png");
        double Stat(string stat, string value) => double.Parse(value, CultureInfo.InvariantCulture);
        Assert.Equal(journal.Closed.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#journal-summary tr[data-stat='closed'] td", "data-value"));
        Assert.True(journal.Closed > 10, $"{journal.Closed} closed round trips");
        Assert.Equal(journal.HitRate, Stat("hit", (await page.GetAttributeAsync("#journal-summary tr[data-stat='hit-rate'] td", "data-value"))!), 12);
        Assert.Equal(journal.PayoffRatio, Stat("payoff", (await page.GetAttributeAsync("#journal-summary tr[data-stat='payoff'] td", "data-value"))!), 9);
        Assert.Equal(journal.TotalPnl, Stat("total", (await page.GetAttributeAsync("#journal-summary tr[data-stat='total'] td", "data-value"))!), 6);
        Assert.Equal(journal.MedianHoldingDays, Stat("holding", (await page.GetAttributeAsync("#journal-summary tr[data-stat='holding'] td", "data-value"))!), 12);
        await page.WaitForSelectorAsync("#journal-histogram .main-svg .barlayer path", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var firstKey = (await page.GetAttributeAsync("#journal-trades tbody tr:first-child", "data-key"))!;
        await page.Locator("#journal-trades tbody tr:first-child .journal-edit").ClickAsync();
        await page.FillAsync("#journal-edit-tags", "review, entry-late");
        await page.FillAsync("#journal-edit-note", "Entered a day after the signal; check the data lag.");
        await page.ClickAsync("#journal-edit-save");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"#journal-trades tr[data-key='{firstKey}'] .tags\")?.innerText === 'review, entry-late'");
        await page.WaitForSelectorAsync("#journal-histogram .main-svg .barlayer path", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.SetViewportSizeAsync(1400, 3000);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "journal-tagged.png") });
        await page.SetViewportSizeAsync(1400, 1000);
        await page.FillAsync("#journal-tag", "entry-late");
        await page.ClickAsync("#journal-show");
        await page.WaitForSelectorAsync("#journal-result[data-loads='2']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(1, await page.Locator("#journal-trades tbody tr").CountAsync());
        Assert.Equal("Entered a day after the signal; check the data lag.", await page.InnerTextAsync($"#journal-trades tr[data-key='{firstKey}'] .note"));
        var journalCsv = await (await page.APIRequest.GetAsync((await page.GetAttributeAsync("#journal-export-csv", "href"))!)).TextAsync();
        Assert.Equal(2, journalCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length); // the header and the tagged trade
        Assert.Contains("review;entry-late,Entered a day after the signal; check the data lag.", journalCsv, StringComparison.Ordinal);
        var annotated = await platform.Storage.Audit.ReadAsync(new AuditQuery(Action: ResearchActions.JournalAnnotate, Limit: 10), TestContext.Current.CancellationToken);
        Assert.Contains(annotated, a => a.Entry.Target == firstKey && a.Entry.Details!.Contains("entry-late", StringComparison.Ordinal));

        // The positions' risk on the risk dashboard: the book of that close, on the forecast of that date.
        await page.GotoAsync(riskLink);
        await page.WaitForSelectorAsync("#risk-result, #risk-error", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(0, await page.Locator("#risk-error").CountAsync());
        Assert.Equal($"backtest:{backtest}", await page.GetAttributeAsync("#risk-result", "data-portfolio"));
        Assert.Contains($"(positions at the close of {heldOn})", await page.InnerTextAsync("#risk-result"), StringComparison.Ordinal);
        await OpenAsync($"/backtests/{backtest}?benchmark={hold}", "#benchmark", "backtest-against-buy-and-hold.png");
        Assert.Contains("Against buy-and-hold", await page.InnerTextAsync("#benchmark-card"), StringComparison.Ordinal);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#equity-chart .main-svg .scatterlayer path.js-line').length === 2");
        await OpenAsync($"/backtests/{backtest}?benchmark={walkForward}", "#benchmark-error", "backtest-benchmark-refused.png");
        Assert.Contains("lacks", await page.InnerTextAsync("#benchmark-error"), StringComparison.Ordinal);
        Assert.Contains("Against Market (Fama-French", await page.InnerTextAsync("#benchmark-card"), StringComparison.Ordinal);

        // Further analyses from the result page: a bad quantile grid is refused naming it; a Monte Carlo of the run opens its page.
        await OpenAsync($"/backtests/{backtest}", "#launch-card", "backtest-launch.png");
        await page.FillAsync("#wf-quantiles", "0.2, abc");
        await page.ClickAsync("#launch-wf");
        await page.WaitForSelectorAsync("#launch-error");
        Assert.Contains("quantiles: 'abc' is not a number", await page.InnerTextAsync("#launch-error"), StringComparison.Ordinal);
        await page.FillAsync("#mc-paths input", "400");
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("#launch-mc");
        // The submission goes through the scheduler, which on a loaded machine (other suites killing silos) can take
        // longer than Playwright's default 30 s; a refusal shows in #launch-error and is reported instead of a timeout.
        // (The walk-forward's refusal above is still shown until the click's render clears it.)
        var launched = await page.WaitForFunctionAsync(
            "() => location.pathname.startsWith('/backtests/mc-') ? 'launched' : (document.querySelector('#launch-error')?.innerText ?? 'quantiles').includes('quantiles') ? null : document.querySelector('#launch-error').innerText",
            null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        Assert.Equal("launched", await launched.JsonValueAsync<string>());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/backtests/mc-", StringComparison.Ordinal));
        await page.WaitForFunctionAsync($"() => document.querySelector('h1').innerText.includes('x 400 of {backtest}')"); // the new job's page has loaded
        Assert.Equal(1, await page.Locator("#result-pending, #metrics").CountAsync());

        await OpenAsync($"/backtests/{monteCarlo}", "#mc-wealth-chart .main-svg", "monte-carlo.png");
        Assert.Contains("Sharpe, median", await page.InnerTextAsync("#metrics"), StringComparison.Ordinal);
        // The source's own track is marked on each distribution (a dashed line) and linked.
        Assert.Contains("of paths below", await page.InnerTextAsync("#mc-observed"), StringComparison.Ordinal);
        Assert.Equal($"/backtests/{backtest}", await page.GetAttributeAsync("#mc-source", "href"));
        foreach (var chart in new[] { "#mc-wealth-chart", "#mc-sharpe-chart", "#mc-drawdown-chart" })
        {
            // Every one (the paths are as long as the track); attached, as a vertical line has no width to be "visible".
            await page.WaitForSelectorAsync($"{chart} .layer-above .shapelayer path", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        }

        await OpenAsync($"/backtests/compare?ids={backtest},{walkForward}", "#compare-metrics tbody tr", "compare.png");
        Assert.Contains("Sharpe (excess of rf, annual)", await page.InnerTextAsync("#compare-metrics"), StringComparison.Ordinal);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#compare-chart .main-svg .scatterlayer path.js-line').length === 2"); // one line per run
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#compare-drawdown-chart .main-svg .scatterlayer path.js-line').length === 2");
        Assert.Equal(2, await page.Locator("#compare-correlation tbody tr").CountAsync());
        Assert.Matches(@"^-?[01]\.\d\d$", (await page.InnerTextAsync("#compare-correlation tbody tr:first-child td:nth-child(3)")).Trim());
        Assert.True(await page.Locator("#compare-metrics .difference").CountAsync() > 5, "differences from the first run");
        // Rolling Sharpe and volatility of both runs side by side; the combined portfolio, equal weights by default, as the
        // library combines the runs' stored daily returns.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#compare-rolling-sharpe .main-svg .scatterlayer path.js-line').length === 2");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#compare-rolling-volatility .main-svg .scatterlayer path.js-line').length === 2");
        await page.ClickAsync("#combine-run");
        await page.WaitForSelectorAsync("#combine-summary[data-method='equal']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var runs = new List<(DateOnly[], double[])>();
        foreach (var id in new[] { backtest, walkForward })
        {
            var view = await reader.RunAsync(() => results.GetViewAsync(id));
            runs.Add((view.Dates, view.Returns));
        }

        var blend = Research.Backtesting.TearSheets.StrategyBlend.Combine(runs, Research.Backtesting.TearSheets.BlendMethod.Equal);
        Assert.Equal(blend.Dates.Length.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#combine-summary", "data-sessions"));
        double Metric(string value) => double.Parse(value, CultureInfo.InvariantCulture);
        Assert.Equal(Research.Backtesting.Metrics.PerformanceMetrics.Cagr(blend.Returns), Metric((await page.GetAttributeAsync("#combine-metrics tr[data-metric='cagr'] td", "data-value"))!), 12);
        Assert.Equal(Research.Backtesting.Metrics.PerformanceMetrics.AnnualVolatility(blend.Returns), Metric((await page.GetAttributeAsync("#combine-metrics tr[data-metric='annualVolatility'] td", "data-value"))!), 12);
        Assert.Equal(blend.RiskShares[0], Metric((await page.GetAttributeAsync($"#combine-weights-table tr[data-job='{backtest}'] td:nth-child(3)", "data-value"))!), 12);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#combine-chart .main-svg .scatterlayer path.js-line').length === 3"); // the combination and its two runs
        await page.SetViewportSizeAsync(1400, 3600);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "compare-combined.png") });
        await page.SetViewportSizeAsync(1400, 1000);
        await page.FillAsync("#combine-weights", "1");
        await page.ClickAsync("#combine-method");
        await page.ClickAsync(".rz-dropdown-item >> text=Given");
        await page.WaitForFunctionAsync("() => document.querySelector('#combine-method .rz-dropdown-label')?.innerText.trim() === 'Given'");
        await page.ClickAsync("#combine-run");
        await page.WaitForSelectorAsync("#combine-error", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Contains("weights: give one per run (2), got 1", await page.InnerTextAsync("#combine-error"), StringComparison.Ordinal);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The backtest pages (job list, each result kind, the comparison) and the sign-in pages, as every role that may
    /// open them: a 200, no error card, no failed request or script error, and a full-height screenshot per role and page
    /// under artifacts/test-results/screenshots/roles for a person to look at.
    /// </summary>
    [Fact]
    public async Task Every_backtest_page_opens_for_every_role_without_an_error()
    {
        var researcher = await platform.CreateUserAsync("researcher", twoFactor: false);
        Task<string> RunAsync(JobSubmission submission) => platform.RunJobAsync(new CallerIdentity(researcher.Name, Role.Researcher, "tests"), submission);

        var backtest = await RunAsync(new JobSubmission(new BacktestJobSpec("momentum", Quantile: 0.27), null, JobPriority.Normal, researcher.Name));
        var monteCarlo = await RunAsync(new JobSubmission(null, new MonteCarloJobSpec(backtest, 200), JobPriority.Normal, researcher.Name));
        var walkForward = await RunAsync(new JobSubmission(null, null, JobPriority.Normal, researcher.Name,
            new WalkForwardJobSpec(new BacktestJobSpec("momentum"), ["momentum"], [0.2, 0.3], TrainSessions: 126, TestSessions: 63)));
        var model = Research.Analytics.Alpha.Signals.BuiltInSignals.Find("low_vol")!;
        await new Research.Data.Registry.ModelRegistry(platform.DataRoot, TimeProvider.System).RegisterAsync("roles-model", "signal-model", model.Description,
            new Dictionary<string, byte[]> { ["signal.json"] = System.Text.Encoding.UTF8.GetBytes(model.CanonicalJson()) }, null, null, new Dictionary<string, string>(),
            new Dictionary<string, double> { ["oos_rank_ic"] = 0.012 }, new Dictionary<string, bool> { ["oos_rank_ic_positive"] = true }, "tests", TestContext.Current.CancellationToken);
        string[] variants = [.. Research.Analytics.Alpha.Signals.SignalGrid.Expand("""{"name": "roles", "terms": [{"descriptor": ["momentum_12_1", "low_vol", "beta"]}]}""", "roles.json").Select(d => d.CanonicalJson())];
        var sweep = await RunAsync(new JobSubmission(null, null, JobPriority.Normal, researcher.Name,
            SignalSweep: new SignalSweepJobSpec(variants, new DateOnly(2023, 6, 1), new DateOnly(2024, 6, 28), Every: 10, Horizons: [1, 5], Name: "roles", Question: "roles")));
        var pages = new (string Name, string Path, string Ready)[]
        {
            ("signal-sweep", $"/backtests/{sweep}", "#sweep tbody tr"),
            ("alpha", "/alpha", "#registry-card"),
            ("jobs", "/backtests", "#jobs"),
            ("backtest", $"/backtests/{backtest}", "#returns-chart .main-svg"),
            ("monte-carlo", $"/backtests/{monteCarlo}", "#mc-sharpe-chart .main-svg"),
            ("walk-forward", $"/backtests/{walkForward}", "#windows tbody tr"),
            ("compare", $"/backtests/compare?ids={backtest},{walkForward}", "#compare-correlation tbody tr"),
        };

        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots", "roles")).FullName;
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        foreach (var role in new[] { "viewer", "researcher", "operator", "admin" })
        {
            var user = role == "researcher" ? await platform.CreateUserAsync(role, twoFactor: true) : await platform.CreateUserAsync(role);
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = platform.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 8500 } });
            var page = await context.NewPageAsync();
            var problems = new List<string>();
            page.Response += (_, r) => { if (r.Status >= 400) { problems.Add($"{r.Status} {r.Url}"); } };
            page.Console += (_, m) => { if (m.Type == "error") { problems.Add(m.Text); } };

            await page.GotoAsync("/signin");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{role}-signin.png") });
            await page.FillAsync("#username", user.Name);
            await page.FillAsync("#password", user.Password);
            await page.ClickAsync("#signin");
            if (user.TotpKey is { } key)
            {
                await page.WaitForURLAsync("**/signin/2fa");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{role}-signin-2fa.png") });
                await page.FillAsync("#code", Totp.Code(key, DateTimeOffset.UtcNow));
                await page.ClickAsync("#verify");
            }

            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
            foreach (var (name, path, ready) in pages)
            {
                var response = await page.GotoAsync(path);
                Assert.True(response is { Status: 200 }, $"{role} {path}: HTTP {response?.Status}");
                if (path.StartsWith("/backtests/", StringComparison.Ordinal) && !path.Contains("compare", StringComparison.Ordinal))
                {
                    await page.WaitForSelectorAsync("#result-ready[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                }

                if (name == "alpha")
                {
                    await page.WaitForSelectorAsync("#alpha-ready[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                    // What a role may do shows; what it may not is absent (the grains refuse it anyway: the matrix test).
                    Assert.Equal(role == "viewer" ? 0 : 1, await page.Locator("#evaluate").CountAsync());
                    Assert.Equal(role is "operator" or "admin" ? 1 : 0, await page.Locator("#promote-form").CountAsync());
                }

                await page.WaitForSelectorAsync(ready, new PageWaitForSelectorOptions { Timeout = 60_000 });
                Assert.Equal(0, await page.Locator("#result-error, #compare-error, #backtests-error, #alpha-error").CountAsync());
                if (name == "backtest")
                {
                    // Years on the monthly heatmap are years (plotly once labelled a two-year run 2,022.5 ... 2,024.5), each
                    // with its total, which is the calendar-years table's; every month shows its value.
                    var years = await page.Locator("#monthly-chart .ytick text").AllTextContentsAsync();
                    Assert.True(years.Count >= 2 && years.All(y => System.Text.RegularExpressions.Regex.IsMatch(y, @"^\d{4} \([+-]?\d+\.\d%\)$")), string.Join(" | ", years));
                    var table = await page.Locator("#years tbody tr").AllInnerTextsAsync();
                    foreach (var label in years)
                    {
                        var row = table.Single(r => r.StartsWith(label[..4], StringComparison.Ordinal));
                        var shown = double.Parse(label[6..^2], CultureInfo.InvariantCulture);
                        var listed = double.Parse(row.Split('\t')[1].Replace("%", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                        Assert.True(Math.Abs(shown - listed) <= 0.051, $"{label} against the table's {row}");
                    }

                    Assert.True(await page.Locator("#monthly-chart .heatmaplayer text, #monthly-chart text.textpoint, #monthly-chart .textpoint").CountAsync() >= 12, "month values on the heatmap");
                    Assert.Equal("The market (Fama-French)", (await page.InnerTextAsync("#benchmark-choice .rz-dropdown-label")).Trim());
                }

                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{role}-{name}.png") });
            }

            Assert.True(problems.Count == 0, $"{role}: " + string.Join("\n", problems));
        }
    }

    [Fact]
    public async Task A_viewer_sees_no_submit_control_and_a_forged_submit_from_the_browser_is_refused_and_audited()
    {
        var viewer = await platform.CreateUserAsync("viewer");
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString() });
        await page.GotoAsync("/signin");
        await page.FillAsync("#username", viewer.Name);
        await page.FillAsync("#password", viewer.Password);
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.GotoAsync("/backtests");
        await page.WaitForSelectorAsync("#read-only");
        Assert.Equal(0, await page.Locator("#submit").CountAsync());
        Assert.Equal(0, await page.Locator("#nav-audit").CountAsync());

        // Forge the request the submit button would make, with the session cookie and a valid antiforgery token.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const token = document.querySelector('input[name="__RequestVerificationToken"]').value;
              const r = await fetch('/api/backtests', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': token }, body: JSON.stringify({ strategy: 'momentum', quantile: 0.37 }) });
              return r.status;
            }
            """);
        Assert.Equal(403, status);
        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: viewer.Name, Action: "backtest.submit", Limit: 10), TestContext.Current.CancellationToken);
        Assert.Equal("denied", Assert.Single(rows).Entry.Outcome);
    }
}
