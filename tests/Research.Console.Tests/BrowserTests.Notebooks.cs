using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client.Notebooks;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// Notebooks: a researcher starts a server from the console, opens a template through the console's proxy in Chromium
/// and runs every cell against the test warehouse (the factor table equal to the warehouse's own numbers); another
/// researcher, a viewer, an API key and a request without the token are all refused; stopping ends the process and
/// revokes the session's key. Every template also runs to the end through the console's API (nbconvert), and the
/// launcher's limits (per owner, age, a missing server) hold.
/// </summary>
public sealed partial class BrowserTests
{
    private static void RequireJupyter(string path = "/usr/bin/jupyter-notebook")
    {
        if (!File.Exists(path))
        {
            TestEnvironment.Unavailable($"Jupyter's classic notebook is not installed at {path} (apt packages jupyter-notebook python3-pandas python3-matplotlib python3-nbconvert; test.sh installs them)");
        }
    }

    [Fact]
    public async Task A_researcher_starts_a_notebook_runs_a_template_to_the_end_in_chromium_and_no_one_else_can_open_it()
    {
        RequireJupyter();
        var launcher = platform.ConsoleServices.GetRequiredService<NotebookLauncher>();
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var shots = Directory.CreateDirectory(Path.Combine(TestEnvironment.RepositoryRoot, "artifacts", "test-results", "screenshots")).FullName;
        var owner = await platform.CreateUserAsync("researcher", twoFactor: false);
        var page = await SignInAtAsync(browser, owner, "/notebooks", "#notebooks-ready");
        await page.ClickAsync("#notebook-start");
        var row = await page.WaitForSelectorAsync("#notebook-sessions tr[data-session]", new PageWaitForSelectorOptions { Timeout = 120_000 });
        var id = await row!.GetAttributeAsync("data-session") ?? throw new InvalidOperationException("no session id");
        var session = launcher.Find(id) ?? throw new InvalidOperationException($"session {id} is not running");
        Assert.Equal(owner.Id, session.Owner);
        Assert.Equal($"/nb/{id}/tree", await page.GetAttributeAsync($"tr[data-session='{id}'] a.notebook-open", "href"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "notebooks-running.png"), FullPage = true });

        try
        {
            // The template, through the proxy, every cell run by the kernel.
            var notebook = page; // the owner's browser session
            var problems = new List<string>();
            notebook.PageError += (_, e) => problems.Add(e);
            await notebook.GotoAsync($"/nb/{id}/notebooks/returns-and-factors.ipynb");
            await notebook.WaitForFunctionAsync("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
            await notebook.EvaluateAsync("() => Jupyter.notebook.execute_all_cells()");
            await notebook.WaitForFunctionAsync(
                "() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').every(c => typeof c.input_prompt_number === 'number') && Jupyter.notebook.kernel_busy === false",
                null, new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 500 });
            Assert.Equal(0, await notebook.Locator(".output_error").CountAsync());
            Assert.Empty(problems);
            await notebook.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "notebook-returns-and-factors.png"), FullPage = true });

            // The factor table's market mean equals the warehouse's (the same SQL through the explorer, independently).
            var text = await notebook.EvaluateAsync<string>("() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').map(c => c.output_area.outputs.map(o => o.text || (o.data && o.data['text/plain']) || '').join('\\n')).join('\\n')");
            Assert.Contains("factors mktrf", text, StringComparison.Ordinal);
            Assert.Contains("R² =", text, StringComparison.Ordinal);
            var table = await new CallerIdentity(owner.Name, Role.Researcher, "tests").RunAsync(() => platform.Cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IDatasetExplorerGrain>(0)
                .QueryAsync(new Research.Grains.Abstractions.Warehouse.ExplorerQuery("SELECT avg(mktrf) * 252 AS m, stddev_samp(mktrf) * sqrt(252) AS v FROM famafrench.factors_daily")));
            var mean = double.Parse(table.Rows[0][0]!, CultureInfo.InvariantCulture);
            var vol = double.Parse(table.Rows[0][1]!, CultureInfo.InvariantCulture);
            var line = text.Split('\n').First(l => l.TrimStart().StartsWith("mktrf ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Math.Round(mean, 4), double.Parse(line[1], CultureInfo.InvariantCulture), 10);
            Assert.Equal(Math.Round(vol, 4), double.Parse(line[2], CultureInfo.InvariantCulture), 10);

            // No one else gets in: another researcher's session, a viewer, the owner's API key, no session, the port without the token.
            var other = await SignInAtAsync(browser, await platform.CreateUserAsync("researcher", twoFactor: false), "/notebooks", "#notebooks-ready");
            Assert.Equal(0, await other.Locator($"tr[data-session='{id}']").CountAsync());
            var refused = await other.APIRequest.GetAsync($"/nb/{id}/tree");
            Assert.Equal(403, refused.Status);
            Assert.DoesNotContain("Jupyter", await refused.TextAsync(), StringComparison.Ordinal);
            var viewer = await SignInAtAsync(browser, await platform.CreateUserAsync("viewer", twoFactor: false), "/alerts", "#alerts-ready");
            var viewerAnswer = await viewer.APIRequest.GetAsync($"/nb/{id}/tree", new APIRequestContextOptions { MaxRedirects = 0 });
            Assert.NotEqual(200, viewerAnswer.Status);
            var (key, secret) = await platform.Storage.ApiKeys.CreateAsync(owner.Id, "notebook-test", [ResearchActions.WarehouseQuery], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
            using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = platform.BaseAddress })
            {
                using var withKey = new HttpRequestMessage(HttpMethod.Get, $"/nb/{id}/api/contents");
                withKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
                var keyAnswer = await anonymous.SendAsync(withKey, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.Redirect, keyAnswer.StatusCode); // to the sign-in page: a key does not open notebooks
                Assert.Equal("/signin", new Uri(platform.BaseAddress, keyAnswer.Headers.Location!).AbsolutePath);
                var direct = await anonymous.GetAsync(new Uri($"http://127.0.0.1:{session.Port}/nb/{id}/api/contents"), TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
            }

            await platform.Storage.ApiKeys.RevokeAsync(key.Id, owner.Id, DateTimeOffset.UtcNow);
            var audit = await new CallerIdentity("auditor", Role.Admin, "tests").RunAsync(() =>
                platform.Cluster.GetGrain<IAuditGrain>(0).ReadAsync(new AuditFilter(Action: "notebooks.open", Limit: 50)));
            Assert.Contains(audit, e => e.Target == "notebook " + id && e.Outcome == "denied" && e.Details == "the notebook belongs to someone else");
        }
        finally
        {
            // The owner stops it from the page: the process is gone and the session's API key revoked.
            await page.GotoAsync("/notebooks");
            await page.WaitForSelectorAsync("#notebooks-ready[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            await page.ClickAsync($"tr[data-session='{id}'] .notebook-stop");
            await page.WaitForSelectorAsync("#no-notebooks", new PageWaitForSelectorOptions { Timeout = 30_000 });
        }

        Assert.Null(launcher.Find(id));
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(session.Pid));
        var keys = await platform.Storage.ApiKeys.ListAsync(owner.Id, TestContext.Current.CancellationToken);
        var notebookKey = Assert.Single(keys, k => k.Name.StartsWith("notebook 2", StringComparison.Ordinal));
        Assert.NotNull(notebookKey.RevokedAt);
        Assert.Equal(ConsoleNotebooksScopes, notebookKey.Scopes.Order(StringComparer.Ordinal).ToArray());
    }

    private static readonly string[] ConsoleNotebooksScopes = [.. Research.Console.Notebooks.ConsoleNotebooks.KeyScopes.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Every_template_notebook_runs_to_the_end_through_the_consoles_api()
    {
        RequireJupyter();
        var researcher = await platform.CreateUserAsync("researcher", twoFactor: false);
        var job = await platform.RunJobAsync(new CallerIdentity(researcher.Name, Role.Researcher, "tests"),
            new JobSubmission(new BacktestJobSpec("momentum", Quantile: 0.27), null, JobPriority.Normal, researcher.Name));
        var (key, secret) = await platform.Storage.ApiKeys.CreateAsync(researcher.Id, "templates", Research.Console.Notebooks.ConsoleNotebooks.KeyScopes, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        var work = Directory.CreateTempSubdirectory("notebook-templates-");
        try
        {
            var lib = Directory.CreateDirectory(Path.Combine(work.FullName, "lib")).FullName;
            await File.WriteAllTextAsync(Path.Combine(lib, NotebookTemplates.HelperFile), NotebookTemplates.Helper(), TestContext.Current.CancellationToken);
            Assert.Equal(["backtest-results.ipynb", "returns-and-factors.ipynb", "signal-ic.ipynb"], NotebookTemplates.Names);
            foreach (var name in NotebookTemplates.Names)
            {
                var input = Path.Combine(work.FullName, name);
                await File.WriteAllTextAsync(input, NotebookTemplates.Read(name), TestContext.Current.CancellationToken);
                var run = new ProcessStartInfo("/usr/bin/python3") { WorkingDirectory = work.FullName, RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var arg in (string[])["-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--output", "ran-" + name, name])
                {
                    run.ArgumentList.Add(arg);
                }

                run.Environment.Clear();
                run.Environment["PATH"] = "/usr/bin:/bin";
                run.Environment["HOME"] = work.FullName;
                run.Environment["PYTHONPATH"] = lib;
                run.Environment["RESEARCH_URL"] = platform.BaseAddress.ToString().TrimEnd('/');
                run.Environment["RESEARCH_API_KEY"] = secret;
                using var process = Process.Start(run)!;
                var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
                await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
                await process.WaitForExitAsync(TestContext.Current.CancellationToken);
                Assert.True(process.ExitCode == 0, $"{name}: nbconvert exited {process.ExitCode}: {await stderr}");

                using var ran = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work.FullName, "ran-" + name), TestContext.Current.CancellationToken));
                var outputs = ran.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code")
                    .SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToArray();
                Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
                var text = string.Concat(outputs.Where(o => o.TryGetProperty("text", out _)).SelectMany(o => o.GetProperty("text").EnumerateArray()).Select(t => t.GetString()));
                Assert.Contains("queries through the console at " + platform.BaseAddress.ToString().TrimEnd('/'), text, StringComparison.Ordinal);
                if (name == "backtest-results.ipynb")
                {
                    // The newest finished backtest is this one (or a later one of another test): its sessions are the result's.
                    var shown = text.Split('\n').First(l => l.StartsWith("bt-", StringComparison.Ordinal)).Split(' ')[0];
                    var view = await new CallerIdentity(researcher.Name, Role.Researcher, "tests").RunAsync(() => platform.Cluster.GetGrain<IBacktestResultGrain>(0).GetViewAsync(shown));
                    Assert.Contains($"{view.Dates.Length} sessions; CAGR", text, StringComparison.Ordinal);
                    Assert.Contains(outputs, o => o.TryGetProperty("data", out var d) && d.TryGetProperty("image/png", out _));
                }
            }

            _ = job;
        }
        finally
        {
            await platform.Storage.ApiKeys.RevokeAsync(key.Id, researcher.Id, DateTimeOffset.UtcNow);
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_launcher_keeps_to_its_limits_stops_what_is_past_its_age_and_names_a_missing_server()
    {
        RequireJupyter();
        var root = Directory.CreateTempSubdirectory("notebook-launcher-");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var launcher = new NotebookLauncher(new NotebookOptions(root.FullName, root.FullName, MaxAge: TimeSpan.FromHours(1), MaxPerOwner: 1), clock);
        var start = new NotebookStart("u-1", "ana", "cli", "/nb/{id}/", new Dictionary<string, string>());
        try
        {
            var first = await launcher.StartAsync(start, TestContext.Current.CancellationToken);
            Assert.True(File.Exists(Path.Combine(first.Workspace, "signal-ic.ipynb")));
            var config = Path.Combine(root.FullName, "sessions", first.Id, "config", "jupyter_notebook_config.json");
            Assert.True(OperatingSystem.IsLinux() && File.GetUnixFileMode(config) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the config (with the token) is the owner's only");
            var variables = (await File.ReadAllTextAsync($"/proc/{first.Pid}/environ", TestContext.Current.CancellationToken)).Split('\0');
            Assert.DoesNotContain(variables, v => v.StartsWith("RESEARCH_", StringComparison.Ordinal) && v.Split('=')[0] is not ("RESEARCH_WAREHOUSE" or "RESEARCH_NOTEBOOK_OWNER" or "RESEARCH_NOTEBOOK_LOG")); // nothing of the caller's environment
            Assert.Contains(variables, v => v == "PYTHONPATH=" + Path.Combine(root.FullName, "lib"));

            var second = await Assert.ThrowsAsync<NotebookException>(() => launcher.StartAsync(start, TestContext.Current.CancellationToken));
            Assert.Contains("ana already has 1 notebook servers running (at most 1)", second.Message, StringComparison.Ordinal);
            Assert.Single(launcher.List());

            clock.Now += TimeSpan.FromMinutes(59);
            Assert.Empty(await launcher.ExpireAsync());
            clock.Now += TimeSpan.FromMinutes(2);
            var expired = Assert.Single(await launcher.ExpireAsync());
            Assert.Equal(first.Id, expired.Session.Id);
            Assert.Contains("ran 1 h", expired.Reason, StringComparison.Ordinal);
            Assert.Empty(launcher.List());
            Assert.False(Directory.Exists(Path.Combine(root.FullName, "sessions", first.Id)));

            var missing = new NotebookLauncher(new NotebookOptions(root.FullName, root.FullName, Jupyter: "/nonexistent/jupyter-notebook"), clock);
            var error = await Assert.ThrowsAsync<NotebookException>(() => missing.StartAsync(start, TestContext.Current.CancellationToken));
            Assert.Contains("/nonexistent/jupyter-notebook is missing", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => NotebookOptions.From(k => k == Research.Grains.Client.ConfigurationKeys.NotebooksMaxHours ? "NaN" : null, root.FullName));
        }
        finally
        {
            foreach (var s in launcher.List())
            {
                await launcher.StopAsync(s.Id);
            }

            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_console_that_stops_stops_the_notebook_servers_it_started_and_leaves_a_cli_ones()
    {
        RequireJupyter();
        var settings = new Dictionary<string, string?>(platform.Configuration) { [Research.Grains.Client.ConfigurationKeys.Urls] = "http://127.0.0.1:0" };
        var other = await ConsolePlatform.StartConsoleAsync(settings);
        var launcher = other.Services.GetRequiredService<NotebookLauncher>();
        NotebookSession? fromConsole = null, fromCli = null;
        try
        {
            fromConsole = await launcher.StartAsync(new NotebookStart("u-stop", "ana", "console", "/nb/{id}/", new Dictionary<string, string>()), TestContext.Current.CancellationToken);
            fromCli = await launcher.StartAsync(new NotebookStart("u-stop-cli", "ana", "cli", "/nb/{id}/", new Dictionary<string, string>()), TestContext.Current.CancellationToken);
            await other.StopAsync(TestContext.Current.CancellationToken);
            await other.DisposeAsync();
            Assert.Null(launcher.Find(fromConsole.Id));
            Assert.False(File.Exists($"/proc/{fromConsole.Pid}/stat") && !File.ReadAllText($"/proc/{fromConsole.Pid}/stat").Contains(") Z", StringComparison.Ordinal), "the console's server process is gone");
            Assert.NotNull(launcher.Find(fromCli.Id));
        }
        finally
        {
            foreach (var s in new[] { fromConsole, fromCli }.OfType<NotebookSession>())
            {
                await launcher.StopAsync(s.Id);
            }
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
