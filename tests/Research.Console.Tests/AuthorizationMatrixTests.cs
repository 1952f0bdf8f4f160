using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.RegularExpressions;
using Research.Console.Components.Layout;
using Research.Console.Security;
using Research.Grains.Abstractions.Alerts;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Health;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Abstractions.Warehouse;
using Research.Platform.Storage.Audit;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// Every page, endpoint and grain-facing action against every role and an anonymous caller, compared with the tables
/// in docs/CONCEPTS/analytics-security.md (which must in turn equal the code's action catalogue): zero mismatches.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class AuthorizationMatrixTests(ConsolePlatform platform)
{
    private static readonly string[] RoleNames = ["viewer", "researcher", "operator", "admin"];

    private static string Doc => File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "CONCEPTS", "analytics-security.md"));

    [Fact]
    public void The_documented_role_table_equals_the_action_catalogue_and_lists_every_page()
    {
        var documented = ActionRow().Matches(Doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups);
        Assert.Equal(ResearchActions.All.Select(a => a.Id).Order(), documented.Keys.Order());
        var mismatches = new List<string>();
        foreach (var rule in ResearchActions.All)
        {
            var row = documented[rule.Id];
            for (var i = 0; i < RoleNames.Length; i++)
            {
                var role = ResearchActions.ParseRole(RoleNames[i]);
                var expected = !ResearchActions.Allows(role, rule.Id) ? "no" : rule.StrategyGrant && role < Role.Operator ? "grant" : "yes";
                if (row[i + 2].Value != expected)
                {
                    mismatches.Add($"{rule.Id} for {RoleNames[i]}: docs say {row[i + 2].Value}, code says {expected}");
                }
            }

            if (row[6].Value != (rule.StepUp ? "yes" : "no"))
            {
                mismatches.Add($"{rule.Id} step-up: docs say {row[6].Value}, code says {rule.StepUp}");
            }
        }

        var pages = PageRow().Matches(Doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        foreach (var page in NavLinks.Pages)
        {
            if (!pages.TryGetValue(page.Path, out var action) || action != page.Action)
            {
                mismatches.Add($"page {page.Path}: docs say {(pages.TryGetValue(page.Path, out var a) ? a : "nothing")}, code says {page.Action}");
            }
        }

        Assert.Equal(NavLinks.Pages.Count, pages.Count);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Every_routable_page_is_in_the_page_table_with_the_policy_of_its_action()
    {
        var routable = typeof(ConsoleHost).Assembly.GetTypes()
            .Select(t => (Type: t, Route: t.GetCustomAttribute<Microsoft.AspNetCore.Components.RouteAttribute>()?.Template))
            .Where(x => x.Route is not null)
            .ToList();
        var open = new[] { "/signin", "/signin/2fa", "/denied", "/error", "/not-found", "/backtests/{JobId}" };
        var mismatches = new List<string>();
        foreach (var (type, route) in routable)
        {
            var policy = type.GetCustomAttribute<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>()?.Policy;
            var page = NavLinks.Pages.FirstOrDefault(p => p.Path == route);
            if (route == "/backtests/{JobId}")
            {
                // A result page: the same action as the job list.
                if (policy != ResearchActions.BacktestView)
                {
                    mismatches.Add($"{route}: policy {policy}");
                }
            }
            else if (page is null && !open.Contains(route))
            {
                mismatches.Add($"{route} ({type.Name}) is not in NavLinks.Pages");
            }
            else if (page is not null && policy != page.Action)
            {
                mismatches.Add($"{route}: [Authorize] policy {policy ?? "(none)"}, table says {page.Action}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task Every_page_for_every_role_and_anonymous_matches_the_table()
    {
        var clients = await SignedInClientsAsync();
        try
        {
            var mismatches = new List<string>();
            foreach (var page in NavLinks.Pages)
            {
                foreach (var (role, client) in clients)
                {
                    var (status, location, _) = await client.GetAsync(page.Path);
                    var expected = role is null ? "sign-in" : ConsoleClaims.Allows(client.Principal!, page.Action) ? "200" : "denied";
                    var actual = status == HttpStatusCode.OK ? "200"
                        : status == HttpStatusCode.Redirect && location!.StartsWith("/signin", StringComparison.Ordinal) ? "sign-in"
                        : status == HttpStatusCode.Redirect && location!.StartsWith("/denied", StringComparison.Ordinal) ? "denied"
                        : $"{(int)status} {location}";
                    if (actual != expected)
                    {
                        mismatches.Add($"{page.Path} as {role ?? "anonymous"}: expected {expected}, got {actual}");
                    }
                }
            }

            Assert.Empty(mismatches);
        }
        finally
        {
            foreach (var (_, c) in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task Every_endpoint_for_every_role_and_anonymous_matches_the_table_and_refusals_are_audited()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = await SignedInClientsAsync();
        try
        {
            // A job owned by someone else, to cancel (queued at low priority behind nothing: it may already run or finish).
            var owner = clients.Single(c => c.Role == "researcher").Client;
            var ownJob = await SubmitAsync(owner, new { strategy = "size", quantile = 0.31, priority = "low" });
            Assert.Equal(HttpStatusCode.Accepted, ownJob.Status);
            var jobId = ownJob.Json!.RootElement.GetProperty("jobId").GetString()!;

            // The API result states the settings the job runs with, in the wire names a script submits.
            using (var opened = System.Text.Json.JsonDocument.Parse(await owner.Http.GetStringAsync(new Uri($"/api/backtests/{jobId}", UriKind.Relative), ct)))
            {
                var submitted = opened.RootElement.GetProperty("submission");
                Assert.Equal("low", submitted.GetProperty("priority").GetString());
                Assert.Equal(0.31, submitted.GetProperty("backtest").GetProperty("quantile").GetDouble());
                Assert.Equal("next-close", submitted.GetProperty("backtest").GetProperty("execution").GetString());
            }

            // A finished backtest, for the download of its trades.
            var finished = await platform.RunJobAsync(new CallerIdentity(clients.Single(c => c.Role == "researcher").Client.User!.Name, Role.Researcher, "tests"),
                new JobSubmission(new BacktestJobSpec("momentum", Quantile: 0.29), null, JobPriority.Normal, clients.Single(c => c.Role == "researcher").Client.User!.Name));

            // An archived report, for its download.
            var report = await new CallerIdentity("matrix", Role.Researcher, "tests").RunAsync(() => platform.Cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportGrain>(0).RunAsync("data-quality", null, []));

            var mismatches = new List<string>();
            foreach (var (role, client) in clients)
            {
                var who = role ?? "anonymous";
                var r = role is null ? Role.None : ResearchActions.ParseRole(role);
                void Expect(string what, HttpStatusCode actual, bool allowed, HttpStatusCode okStatus)
                {
                    var expected = role is null ? HttpStatusCode.Unauthorized : allowed ? okStatus : HttpStatusCode.Forbidden;
                    if (actual != expected)
                    {
                        mismatches.Add($"{what} as {who}: expected {(int)expected}, got {(int)actual}");
                    }
                }

                Expect("GET /api/backtests", (await client.Http.GetAsync(new Uri("/api/backtests", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.BacktestView), HttpStatusCode.OK);
                Expect("GET /api/backtests/{id}", (await client.Http.GetAsync(new Uri($"/api/backtests/{jobId}", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.BacktestView), HttpStatusCode.OK);
                Expect("GET /api/backtests/{id}/trades.csv", (await client.Http.GetAsync(new Uri($"/api/backtests/{finished}/trades.csv", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.BacktestView), HttpStatusCode.OK);
                Expect("GET /api/backtests/{id}/returns.csv", (await client.Http.GetAsync(new Uri($"/api/backtests/{finished}/returns.csv", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.BacktestView), HttpStatusCode.OK);
                Expect("POST /api/warehouse/sync", (await PostAsync(client, "/api/warehouse/sync", new { datasets = Array.Empty<string>() })).Status, ResearchActions.Allows(r, ResearchActions.WarehouseSync), HttpStatusCode.BadRequest); // no dataset: refused on input
                Expect("GET /api/warehouse/export", (await client.Http.GetAsync(new Uri("/api/warehouse/export?format=csv&sql=" + Uri.EscapeDataString("SELECT 1 AS one"), UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.WarehouseQuery), HttpStatusCode.OK);
                Expect("GET /api/journal/export", (await client.Http.GetAsync(new Uri($"/api/journal/export?source=backtest&job={finished}&format=csv", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.JournalView), HttpStatusCode.OK);
                Expect("GET /api/tax/export", (await client.Http.GetAsync(new Uri("/api/tax/export?accounts=matrix-none&format=8949", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.TaxView), HttpStatusCode.OK);
                Expect("GET /api/reports/{id}/html", (await client.Http.GetAsync(new Uri($"/api/reports/{report.Id}/html", UriKind.Relative), ct)).StatusCode, ResearchActions.Allows(r, ResearchActions.ReportsView), HttpStatusCode.OK);
                Expect("POST /api/backtests", (await SubmitAsync(client, new { strategy = "value", quantile = 0.33, priority = "low" })).Status, ResearchActions.Allows(r, ResearchActions.BacktestSubmit), HttpStatusCode.Accepted);
                var cancelAllowed = client == owner ? ResearchActions.Allows(r, ResearchActions.BacktestCancel) : ResearchActions.Allows(r, ResearchActions.BacktestCancelAny);
                Expect("POST /api/backtests/{id}/cancel", (await PostAsync(client, $"/api/backtests/{jobId}/cancel", new { })).Status, cancelAllowed, HttpStatusCode.OK);
                var code = client.User?.TotpKey is { } key ? Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30)) : "000000";
                Expect("POST /api/backtests/retention", (await PostAsync(client, "/api/backtests/retention", new { keepLatest = 1000, maxAgeDays = 3650, code, reason = "matrix" })).Status, ResearchActions.Allows(r, ResearchActions.BacktestPrune), HttpStatusCode.OK);
            }

            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));

            // The viewer's forged submit is in the audit log, with why it was refused.
            var viewer = clients.Single(c => c.Role == "viewer").Client.User!;
            var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: viewer.Name, Action: ResearchActions.BacktestSubmit, Limit: 10), ct);
            var denied = Assert.Single(rows);
            Assert.Equal("denied", denied.Entry.Outcome);
            Assert.Contains("role viewer may not backtest.submit", denied.Entry.Details, StringComparison.Ordinal);
            Assert.StartsWith("console@", denied.Entry.Source, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (_, c) in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task Every_grain_facing_action_refuses_a_caller_without_the_role()
    {
        var cluster = platform.Cluster;
        var admin = await platform.CreateUserAsync("admin");
        var calls = new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
        {
            ["IBacktestSchedulerGrain.SubmitAsync"] = () => cluster.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).SubmitAsync(new JobSubmission(new BacktestJobSpec("value", Quantile: 0.27), null, JobPriority.Low, "x")),
            ["IBacktestSchedulerGrain.ListAsync"] = () => cluster.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ListAsync(1),
            ["IBacktestSchedulerGrain.SetFlagsAsync"] = () => cluster.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).SetFlagsAsync("bt-00", null, null),
            ["IBacktestSchedulerGrain.ApplyRetentionAsync"] = () => cluster.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ApplyRetentionAsync(1000, 3650),
            // Called by the scheduler and the job only (a real call would create or run work); same action as Submit, whose check is tested.
            ["IBacktestJobGrain.InitialiseAsync"] = NoCall,
            ["IBacktestJobGrain.StartAsync"] = NoCall,
            ["IBacktestJobGrain.GetStatusAsync"] = () => cluster.GetGrain<IBacktestJobGrain>("bt-00").GetStatusAsync(),
            ["IBacktestJobGrain.CancelAsync"] = () => cluster.GetGrain<IBacktestJobGrain>("bt-00").CancelAsync("x"),
            ["IBacktestJobGrain.GetResultAsync"] = () => cluster.GetGrain<IBacktestJobGrain>("bt-00").GetResultAsync(),
            ["IBacktestResultGrain.GetTearSheetAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetTearSheetAsync("bt-00"),
            ["IBacktestResultGrain.CombineAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).CombineAsync(["bt-00"], "equal", null), // one run: refused on input
            ["IBacktestResultGrain.GetTearSheetAgainstAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetTearSheetAgainstAsync("bt-00", "bt-01"),
            ["IBacktestJobGrain.GetSubmissionAsync"] = () => cluster.GetGrain<IBacktestJobGrain>("bt-00").GetSubmissionAsync(),
            ["IBacktestJobGrain.SubscribeAsync"] = NoCall, // needs an observer reference; same action as GetStatusAsync
            ["IBacktestJobGrain.UnsubscribeAsync"] = NoCall,
            ["IDatasetGrain.TagAsync"] = () => cluster.GetGrain<IDatasetGrain>("crsp/daily").TagAsync("matrix", " "), // no version: refused on input
            ["ISyncWriterGrain.StartAsync"] = () => cluster.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key).StartAsync(new SyncRequest([], Incremental: false, RequestedBy: "matrix")), // no dataset: refused on input
            ["IEtlScheduleGrain.SetAsync"] = () => cluster.GetGrain<IEtlScheduleGrain>("prices/daily").SetAsync(new EtlSchedule("not a cron", ["AAA"], new DateOnly(2024, 1, 2), "yahoo", false, "America/New_York", "matrix")), // refused on input
            ["IEtlScheduleGrain.RemoveAsync"] = () => cluster.GetGrain<IEtlScheduleGrain>("prices/daily").RemoveAsync(), // there is none to remove
            ["IEtlScheduleGrain.RunNowAsync"] = () => cluster.GetGrain<IEtlScheduleGrain>("prices/daily").RunNowAsync(), // no schedule: refused on its state
            ["IEtlScheduleGrain.GetStatusAsync"] = () => cluster.GetGrain<IEtlScheduleGrain>("prices/daily").GetStatusAsync(),
            ["IWarehouseCatalogGrain.GetStatusAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IWarehouseCatalogGrain>(0).GetStatusAsync(),
            ["IWarehouseCatalogGrain.GetLogAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IWarehouseCatalogGrain>(0).GetLogAsync(1),
            ["IDatasetExplorerGrain.ListAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IDatasetExplorerGrain>(0).ListAsync(),
            ["IDatasetExplorerGrain.DescribeAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IDatasetExplorerGrain>(0).DescribeAsync("no/such-dataset", null, 5), // refused on input
            ["IDatasetExplorerGrain.QualityAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IDatasetExplorerGrain>(0).QualityAsync("crsp/daily", 0), // refused on input
            ["IDatasetExplorerGrain.QueryAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IDatasetExplorerGrain>(0).QueryAsync(new Research.Grains.Abstractions.Warehouse.ExplorerQuery("SELECT 1", MaxRows: 0)), // refused on input
            ["IDatasetExplorerGrain.ExportAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Warehouse.IDatasetExplorerGrain>(0).ExportAsync(new Research.Grains.Abstractions.Warehouse.ExplorerQuery("SELECT 1"), "xlsx"), // refused on input
            ["IRiskDashboardGrain.SetupAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Risk.IRiskDashboardGrain>(0).SetupAsync(),
            ["IRiskDashboardGrain.AnalyzeAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Risk.IRiskDashboardGrain>(0).AnalyzeAsync(new Research.Grains.Abstractions.Risk.RiskRequest("no-such-source")), // refused on input
            ["IRiskDashboardGrain.ExposureHistoryAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Risk.IRiskDashboardGrain>(0).ExposureHistoryAsync(new Research.Grains.Abstractions.Risk.RiskRequest("no-such-source")), // refused on input
            ["IRiskDashboardGrain.DrillAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Risk.IRiskDashboardGrain>(0).DrillAsync(new Research.Grains.Abstractions.Risk.RiskRequest("no-such-source"), "market", new DateOnly(2024, 1, 31)), // refused on input
            ["ITradeJournalGrain.QueryAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Journal.ITradeJournalGrain>(0).QueryAsync(new Research.Grains.Abstractions.Journal.JournalQuery("no-such-source")), // refused on input
            ["ITradeJournalGrain.AnnotateAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Journal.ITradeJournalGrain>(0).AnnotateAsync(new Research.Grains.Abstractions.Journal.JournalQuery("no-such-source"), "k", [], string.Empty), // refused on input
            ["ITradeJournalGrain.ExportAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Journal.ITradeJournalGrain>(0).ExportAsync(new Research.Grains.Abstractions.Journal.JournalQuery("backtest"), "xlsx"), // refused on input
            ["IEventStudyGrain.RunAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Events.IEventStudyGrain>(0).RunAsync(new Research.Grains.Abstractions.Events.EventStudyRequest("events", "permno,date", null, null, null, null)), // no event: refused on input
            ["IMicrostructureGrain.RunAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Microstructure.IMicrostructureGrain>(0).RunAsync(new Research.Grains.Abstractions.Microstructure.MicrostructureRequest(new DateOnly(2024, 2, 1), new DateOnly(2024, 1, 1), null)), // from after to: refused on input
            ["IMicrostructureDayGrain.RunAsync"] = NoCall, // days of a study, called by the study grain
            ["IExecutionQualityGrain.AnalyzeAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.ExecutionQuality.IExecutionQualityGrain>(0).AnalyzeAsync(new Research.Grains.Abstractions.ExecutionQuality.ExecutionQualityRequest("pasted", "order", "order", null)), // no orders: refused on input
            ["ITaxGrain.ComputeAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Tax.ITaxGrain>(0).ComputeAsync(new Research.Grains.Abstractions.Tax.TaxQuery([], "fifo")), // no account: refused on input
            ["ITaxGrain.ExportAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Tax.ITaxGrain>(0).ExportAsync(new Research.Grains.Abstractions.Tax.TaxQuery([], "fifo"), "8949"),
            ["IReportGrain.RunAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportGrain>(0).RunAsync("no-such-template", null, []), // refused on input
            ["IReportGrain.ListAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportGrain>(0).ListAsync(1, null),
            ["IReportGrain.GetAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportGrain>(0).GetAsync("20260101-000000-00000000"),
            ["IReportGrain.DownloadAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportGrain>(0).DownloadAsync("20260101-000000-00000000", "pdf"), // not in the archive
            ["IReportGrain.ResendAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportGrain>(0).ResendAsync("20260101-000000-00000000", ["none"]), // not in the archive
            ["IReportScheduleGrain.SetAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportScheduleGrain>(Research.Grains.Abstractions.Reports.IReportScheduleGrain.Key)
                .SetAsync(new Research.Grains.Abstractions.Reports.ReportSchedule("matrix", "data-quality", null, "not a cron", "America/New_York", [], "matrix")), // refused on input
            ["IReportScheduleGrain.RemoveAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportScheduleGrain>(Research.Grains.Abstractions.Reports.IReportScheduleGrain.Key).RemoveAsync("none"),
            ["IReportScheduleGrain.RunNowAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportScheduleGrain>(Research.Grains.Abstractions.Reports.IReportScheduleGrain.Key).RunNowAsync("none"), // no such schedule
            ["IReportScheduleGrain.ListAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Reports.IReportScheduleGrain>(Research.Grains.Abstractions.Reports.IReportScheduleGrain.Key).ListAsync(),
            ["IMonteCarloChunkGrain.RunAsync"] = NoCall, // units of a job, called by the job grain
            ["ISignalShardGrain.RunAsync"] = NoCall, // units of a signal sweep, called by the job grain
            ["IWalkForwardShardGrain.RunAsync"] = NoCall,
            ["IWalkForwardShardGrain.CountUnitsAsync"] = NoCall,
            ["IAlphaResearchGrain.ListSignalsAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IAlphaResearchGrain>(0).ListSignalsAsync(),
            ["IAlphaResearchGrain.EvaluateAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IAlphaResearchGrain>(0).EvaluateAsync("no-such-signal", new DateOnly(2024, 1, 2), new DateOnly(2024, 6, 28), 5, "matrix"),
            ["IAlphaResearchGrain.CorrelateAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IAlphaResearchGrain>(0).CorrelateAsync(["momentum"], new DateOnly(2024, 1, 2), new DateOnly(2024, 6, 28), 5),
            ["IAlphaResearchGrain.TrialsAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IAlphaResearchGrain>(0).TrialsAsync("matrix"),
            ["IModelRegistryGrain.ListAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IModelRegistryGrain>(0).ListAsync(),
            ["IModelRegistryGrain.RegisterAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IModelRegistryGrain>(0).RegisterAsync("Bad Name", "momentum", new DateOnly(2024, 1, 2), new DateOnly(2024, 6, 28), new DateOnly(2024, 4, 1), 5, "matrix"),
            ["IModelRegistryGrain.PromoteAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IModelRegistryGrain>(0).PromoteAsync("no-such-model", 1, null, "matrix"),
            ["IModelRegistryGrain.RollbackAsync"] = () => cluster.GetGrain<Research.Grains.Abstractions.Alpha.IModelRegistryGrain>(0).RollbackAsync("no-such-model", "matrix"),
            ["IBacktestResultGrain.GetOptionsAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetOptionsAsync(),
            ["IBacktestResultGrain.GetStrategyPerformanceAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetStrategyPerformanceAsync("no-such-strategy", 1),
            ["IBacktestResultGrain.GetViewAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetViewAsync("bt-00"),
            ["IBacktestResultGrain.GetTradesAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetTradesAsync("bt-00", 0, 1),
            ["IBacktestResultGrain.GetTradesSelectedAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetTradesSelectedAsync("bt-00", 0, 10, 10001, null, null),
            ["IBacktestResultGrain.GetPositionsAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetPositionsAsync("bt-00", 1),
            ["IBacktestResultGrain.GetAttributionAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetAttributionAsync("bt-00", "ff5", 5, 0),
            ["IBacktestResultGrain.GetMonteCarloAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetMonteCarloAsync("mc-00"),
            ["IBacktestResultGrain.GetWindowsAsync"] = () => cluster.GetGrain<IBacktestResultGrain>(0).GetWindowsAsync("wf-00"),
            ["IAccountGrain.ChangePasswordAsync"] = () => cluster.GetGrain<IAccountGrain>(0).ChangePasswordAsync(admin.Id, "x", "y", null, "tests"),
            ["IAccountGrain.BeginAuthenticatorAsync"] = () => cluster.GetGrain<IAccountGrain>(0).BeginAuthenticatorAsync(admin.Id), // enrolled already: refused on its state, after the role check
            ["IAccountGrain.ConfirmAuthenticatorAsync"] = () => cluster.GetGrain<IAccountGrain>(0).ConfirmAuthenticatorAsync(admin.Id, "000000", "tests"),
            ["IAccountGrain.RegenerateRecoveryCodesAsync"] = () => cluster.GetGrain<IAccountGrain>(0).RegenerateRecoveryCodesAsync(admin.Id, "000000", "tests"),
            ["ISessionDirectoryGrain.ListForUserAsync"] = () => cluster.GetGrain<ISessionDirectoryGrain>(0).ListForUserAsync(admin.Id),
            ["ISessionDirectoryGrain.RevokeOwnAsync"] = () => cluster.GetGrain<ISessionDirectoryGrain>(0).RevokeOwnAsync(admin.Id, "none"),
            ["ISessionDirectoryGrain.ListAllAsync"] = () => cluster.GetGrain<ISessionDirectoryGrain>(0).ListAllAsync(1),
            ["ISessionDirectoryGrain.RevokeAnyAsync"] = () => cluster.GetGrain<ISessionDirectoryGrain>(0).RevokeAnyAsync("none", "matrix"),
            ["IApiKeyGrain.CreateAsync"] = () => cluster.GetGrain<IApiKeyGrain>(0).CreateAsync(admin.Id, "matrix", [ResearchActions.BacktestView], 400), // too long a lifetime: refused on input
            ["IApiKeyGrain.ListAsync"] = () => cluster.GetGrain<IApiKeyGrain>(0).ListAsync(admin.Id),
            ["IApiKeyGrain.RevokeAsync"] = () => cluster.GetGrain<IApiKeyGrain>(0).RevokeAsync(admin.Id, "none"),
            ["IAuditGrain.ReadAsync"] = () => cluster.GetGrain<IAuditGrain>(0).ReadAsync(new AuditFilter(Limit: 1)),
            ["IAuditGrain.VerifyAsync"] = () => cluster.GetGrain<IAuditGrain>(0).VerifyAsync(),
            ["IUserAdminGrain.ListAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).ListAsync(),
            ["IUserAdminGrain.CreateAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).CreateAsync("bad name!", "viewer", "matrix", "tests"),
            ["IUserAdminGrain.SetRoleAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).SetRoleAsync("nobody", "viewer", "matrix", "tests"),
            ["IUserAdminGrain.SetGrantsAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).SetGrantsAsync("nobody", [], "matrix", "tests"),
            ["IUserAdminGrain.SetDisabledAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).SetDisabledAsync("nobody", true, "matrix", "tests"),
            ["IUserAdminGrain.ResetTwoFactorAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).ResetTwoFactorAsync("nobody", "matrix", "tests"),
            // Trading: bad input is refused after the role check; reads change nothing the next call sees.
            ["IExecutionGatewayGrain.SubmitAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").SubmitAsync(new OrderTicket("m-1", "not a symbol", TicketSide.Buy, 1)),
            ["IExecutionGatewayGrain.CancelAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").CancelAsync("no-such-order", "matrix"),
            ["IExecutionGatewayGrain.WorkAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").WorkAsync(),
            ["IExecutionGatewayGrain.OrdersAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").OrdersAsync(false, 10),
            ["IExecutionGatewayGrain.FillsAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").FillsAsync(0, 10),
            ["IExecutionGatewayGrain.PreviewControlAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").PreviewControlAsync(new ManualControl(ControlKind.Flatten)),
            ["IExecutionGatewayGrain.ApplyControlAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").ApplyControlAsync(new ManualControl(ControlKind.Flatten), " ", "000000"), // no reason: refused on input
            ["IExecutionGatewayGrain.AccountAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").AccountAsync(),
            ["IExecutionGatewayGrain.ReconcileAsync"] = () => cluster.GetGrain<IExecutionGatewayGrain>("matrix").ReconcileAsync(),
            ["ICircuitBreakerGrain.GetAsync"] = () => cluster.GetGrain<ICircuitBreakerGrain>("account:matrix").GetAsync(),
            ["ICircuitBreakerGrain.HistoryAsync"] = () => cluster.GetGrain<ICircuitBreakerGrain>("account:matrix").HistoryAsync(5),
            ["ICircuitBreakerGrain.TripAsync"] = () => cluster.GetGrain<ICircuitBreakerGrain>("account:matrix").TripAsync(" "), // no reason: refused on input
            ["ICircuitBreakerGrain.ResetAsync"] = () => cluster.GetGrain<ICircuitBreakerGrain>("account:matrix").ResetAsync("matrix", "000000"), // not tripped, no valid code: refused
            ["ICircuitBreakerGrain.TripByRuleAsync"] = () => cluster.GetGrain<ICircuitBreakerGrain>("account:matrix").TripByRuleAsync("drawdown", " "),
            ["ITradingDirectoryGrain.AccountsAsync"] = () => cluster.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync(),
            ["IStrategyGrain.DefineAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").DefineAsync(new StrategyConfig("bad account!", "buy-and-hold")), // refused on input
            ["IStrategyGrain.StartAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").StartAsync(" "),
            ["IStrategyGrain.PauseAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").PauseAsync(" "),
            ["IStrategyGrain.StopAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").StopAsync(" "),
            ["IStrategyGrain.RebalanceAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").RebalanceAsync(), // not running: refused
            ["IStrategyGrain.PreviewAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").PreviewAsync(), // not defined: refused
            ["IStrategyGrain.GetAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").GetAsync(),
            ["IStrategyGrain.RunsAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").RunsAsync(5),
            ["IStrategyGrain.HistoryAsync"] = () => cluster.GetGrain<IStrategyGrain>("matrix").HistoryAsync(5),
            ["IHealthGrain.GetAsync"] = () => cluster.GetGrain<IHealthGrain>(0).GetAsync(),
            // Alerts: edits refused on input after the role check (no such channel, an empty name); reads change nothing.
            ["IAlertGrain.ObserveAsync"] = () => cluster.GetGrain<IAlertGrain>(0).ObserveAsync(new AlertObservationView("metric", "matrix", 0, DateTimeOffset.UtcNow)),
            ["IAlertGrain.RulesAsync"] = () => cluster.GetGrain<IAlertGrain>(0).RulesAsync(),
            ["IAlertGrain.PutRuleAsync"] = () => cluster.GetGrain<IAlertGrain>(0).PutRuleAsync(new AlertRuleView("matrix", "metric", 1, ["no-such-channel"])),
            ["IAlertGrain.DeleteRuleAsync"] = () => cluster.GetGrain<IAlertGrain>(0).DeleteRuleAsync("no-such-rule"),
            ["IAlertGrain.ChannelsAsync"] = () => cluster.GetGrain<IAlertGrain>(0).ChannelsAsync(),
            ["IAlertGrain.PutChannelAsync"] = () => cluster.GetGrain<IAlertGrain>(0).PutChannelAsync(new AlertChannelInput(" ", "slack", [], null)),
            ["IAlertGrain.DeleteChannelAsync"] = () => cluster.GetGrain<IAlertGrain>(0).DeleteChannelAsync("no-such-channel"),
            ["IAlertGrain.TestChannelAsync"] = () => cluster.GetGrain<IAlertGrain>(0).TestChannelAsync("no-such-channel"),
            ["IAlertGrain.HistoryAsync"] = () => cluster.GetGrain<IAlertGrain>(0).HistoryAsync(5),
            ["IAlertGrain.PreviewAsync"] = () => cluster.GetGrain<IAlertGrain>(0).PreviewAsync(new AlertRuleView("matrix", "metric", 1, ["x"]), "m", 2),
            ["IAlertGrain.AttemptsAsync"] = () => cluster.GetGrain<IAlertGrain>(0).AttemptsAsync(1),
            ["IAlertGrain.AcknowledgeAsync"] = () => cluster.GetGrain<IAlertGrain>(0).AcknowledgeAsync(1, " "),
            ["IStrategyDirectoryGrain.ListAsync"] = () => cluster.GetGrain<IStrategyDirectoryGrain>(0).ListAsync(),
            ["IUserAdminGrain.ResetPasswordAsync"] = () => cluster.GetGrain<IUserAdminGrain>(0).ResetPasswordAsync("nobody", "matrix", "tests"),
        };

        // Every marked grain method has an entry (a new one without a matrix entry fails here).
        var marked = typeof(IBacktestSchedulerGrain).Assembly.GetTypes().Where(t => t.IsInterface)
            .SelectMany(t => t.GetMethods().Select(m => (Name: $"{t.Name}.{m.Name}", Action: m.GetCustomAttribute<RequiresActionAttribute>()?.Action)))
            .Where(x => x.Action is not null)
            .ToDictionary(x => x.Name, x => x.Action!);
        Assert.Equal(marked.Keys.Order(), calls.Keys.Order());

        var mismatches = new List<string>();
        foreach (var (name, action) in marked.Where(m => calls[m.Key] != NoCall))
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                // Self-service calls act as the admin test user: their name must be the caller's.
                var caller = new CallerIdentity(action == ResearchActions.AccountSelf ? admin.Name : "matrix-" + role, role, "tests");
                bool allowed;
                try
                {
                    await caller.RunAsync(async () => { await calls[name](); return 0; });
                    allowed = true;
                }
                catch (ActionDeniedException)
                {
                    allowed = false;
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or KeyNotFoundException)
                {
                    allowed = true; // past the role check, refused on its input
                }

                if (allowed != ResearchActions.Allows(role, action))
                {
                    mismatches.Add($"{name} ({action}) as {role}: expected {(ResearchActions.Allows(role, action) ? "allowed" : "refused")}, was {(allowed ? "allowed" : "refused")}");
                }
            }
        }

        Assert.Empty(mismatches);
    }

    private static readonly Func<Task> NoCall = () => Task.CompletedTask;

    private sealed record RoleClient(string? Role, SignedInClient Client)
    {
        public void Deconstruct(out string? role, out SignedInClient client) => (role, client) = (Role, Client);
    }

    /// <summary>Anonymous, then one signed-in client per role.</summary>
    private async Task<List<RoleClient>> SignedInClientsAsync()
    {
        var clients = new List<RoleClient> { new(null, new SignedInClient(platform.NewClient(), null)) };
        foreach (var role in RoleNames)
        {
            var user = await platform.CreateUserAsync(role);
            var client = platform.NewClient();
            Assert.Equal("/", await client.SignInAsync(user));
            clients.Add(new RoleClient(role, new SignedInClient(client, user)));
        }

        return clients;
    }

    private static Task<(HttpStatusCode Status, System.Text.Json.JsonDocument? Json)> SubmitAsync(SignedInClient client, object body) => PostAsync(client, "/api/backtests", body);

    /// <summary>A JSON POST as the console's own pages would make it: session cookie plus the antiforgery header.</summary>
    private static async Task<(HttpStatusCode Status, System.Text.Json.JsonDocument? Json)> PostAsync(SignedInClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (client.User is not null)
        {
            var (_, _, page) = await client.GetAsync("/account");
            request.Headers.Add("X-CSRF-TOKEN", ConsoleClient.Token(page));
        }

        using var response = await client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.StartsWith('{') ? System.Text.Json.JsonDocument.Parse(text) : null);
    }

    [GeneratedRegex(@"^\| `([a-z.\-]+)` \| (yes|no|grant) \| (yes|no|grant) \| (yes|no|grant) \| (yes|no|grant) \| (yes|no) \|", RegexOptions.Multiline)]
    private static partial Regex ActionRow();

    [GeneratedRegex(@"^\| `(/[^`]*)` \| `([a-z.\-]+)` \|$", RegexOptions.Multiline)]
    private static partial Regex PageRow();
}

/// <summary>A client with the test user it signed in as (null: anonymous) and that user's principal as the console builds it.</summary>
public sealed class SignedInClient(ConsoleClient client, TestUser? user) : IDisposable
{
    public TestUser? User => user;

    public HttpClient Http => client.Http;

    public System.Security.Claims.ClaimsPrincipal? Principal => user is null ? null : ConsoleClaims.Principal(
        new AccountView(user.Id, user.Name, ResearchActions.ParseRole(user.Role), [], user.TotpKey is not null, false, false, null, DateTimeOffset.UtcNow, 0), "test");

    public Task<(HttpStatusCode Status, string? Location, string Body)> GetAsync(string path) => client.GetAsync(path);

    public void Dispose() => client.Dispose();
}
