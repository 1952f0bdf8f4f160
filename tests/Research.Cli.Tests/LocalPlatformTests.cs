using System.Diagnostics;
using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// <c>research up</c> for real: seeds the demo warehouse, creates the first administrator (one-time password printed
/// once), starts silo and console as processes, lets that administrator sign in (new password, authenticator) and see
/// the demo datasets, and stops everything on Ctrl-C (SIGINT).
/// </summary>
[Trait("Category", "Slow")]
public sealed class LocalPlatformTests
{
    [Fact]
    public async Task Up_serves_the_console_with_the_demo_datasets_and_Ctrl_C_leaves_no_process_behind()
    {
        if (OperatingSystem.IsWindows())
        {
            TestEnvironment.Unavailable("POSIX signals are needed to send Ctrl-C");
        }

        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("up");
        var cli = Path.Combine(AppContext.BaseDirectory, "research.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { cli, "up", "--data-root", dir.Path, "--console-port", "15080", "--silo-http-port", "15081", "--silo-port", "21111", "--gateway-port", "40000" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            string? line;
            var consoleUrl = (string?)null;
            var adminPassword = (string?)null;
            using (var startup = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                startup.CancelAfter(TimeSpan.FromMinutes(4));
                while ((line = await process.StandardOutput.ReadLineAsync(startup.Token)) is not null)
                {
                    if (line.StartsWith("Console: ", StringComparison.Ordinal))
                    {
                        consoleUrl = line["Console: ".Length..].Trim();
                    }
                    else if (line.StartsWith("First administrator: user 'admin', one-time password ", StringComparison.Ordinal))
                    {
                        adminPassword = line.Split(' ')[6];
                    }
                    else if (line.StartsWith("Silo health: ", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }

            Assert.True(consoleUrl is not null, "research up never printed the console URL; stderr: " + (process.HasExited ? await stderr : "(still running)"));
            Assert.Equal("http://127.0.0.1:15080", consoleUrl);
            Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", adminPassword);

            // Everything but sign-in needs a signed-in user; the sign-in page is styled with the locally served theme.
            using var http = new HttpClient();
            using (var anonymous = await http.GetAsync(new Uri(consoleUrl), ct))
            {
                Assert.Equal("/signin", anonymous.RequestMessage!.RequestUri!.AbsolutePath);
                var signIn = await anonymous.Content.ReadAsStringAsync(ct);
                var theme = System.Text.RegularExpressions.Regex.Match(signIn, "href=\"(_content/Radzen.Blazor/css/[^\"]+)\"").Groups[1].Value;
                Assert.NotEmpty(theme);
                var css = await http.GetByteArrayAsync(new Uri(new Uri(consoleUrl), theme), ct);
                Assert.True(css.Length > 10_000, $"{theme} served {css.Length} bytes");
            }

            // The first administrator: one-time password, then their own password, then an authenticator, then the overview.
            using var browser = new ConsoleClient(new Uri(consoleUrl));
            Assert.Equal("/", await browser.SignInAsync("admin", adminPassword!));
            Assert.Equal("/account/password", (await browser.GetAsync("/")).Location);
            Assert.Equal("/account?changed=password", await browser.ChangePasswordAsync(adminPassword!, "the first administrator's own passphrase"));
            Assert.Equal("/account/2fa", (await browser.GetAsync("/")).Location);
            var (totpKey, recovery) = await browser.EnrolAuthenticatorAsync();
            Assert.Equal(10, recovery.Count);
            var (overview, _, html) = await browser.GetAsync("/");
            Assert.Equal(System.Net.HttpStatusCode.OK, overview);
            foreach (var dataset in new[] { "crsp/daily", "crsp/names", "compustat/annual", "ccm/links", "famafrench/factors_daily" })
            {
                Assert.Contains(dataset, html, StringComparison.Ordinal);
            }

            Assert.Contains("1 silo(s)", html, StringComparison.Ordinal);

            // The demo's risk model was fitted at the seed: the risk dashboard's page opens on it (the admin may see it).
            var (riskStatus, _, riskHtml) = await browser.GetAsync("/risk");
            Assert.Equal(System.Net.HttpStatusCode.OK, riskStatus);
            Assert.Contains("Stored risk model: forecasts from", riskHtml, StringComparison.Ordinal);

            // A backtest through the cluster, then a Monte Carlo of it, from the CLI.
            var gateway = new[] { "--data-root", dir.Path, "--gateway-port", "40000" };
            var (btCode, btOut, btErr) = await CliRunner.RunAsync(["backtest", "submit", "--strategy", "momentum", "--from", "2023-01-03", "--wait", "--json", .. gateway]);
            Assert.True(btCode == 0, btErr);
            using var bt = JsonDocument.Parse(btOut);
            var jobId = bt.RootElement.GetProperty("jobId").GetString()!;
            Assert.True(bt.RootElement.GetProperty("metrics").GetProperty("days").GetInt32() > 400);
            var (againCode, againOut, _) = await CliRunner.RunAsync(["backtest", "submit", "--strategy", "momentum", "--from", "2023-01-03", "--json", .. gateway]);
            Assert.Equal(0, againCode);
            using (var again = JsonDocument.Parse(againOut))
            {
                Assert.Equal(jobId, again.RootElement.GetProperty("jobId").GetString());
                Assert.Equal("succeeded", again.RootElement.GetProperty("state").GetString());
            }

            var (mcCode, mcOut, mcErr) = await CliRunner.RunAsync(["backtest", "monte-carlo", "--job", jobId, "--paths", "500", "--wait", "--json", .. gateway]);
            Assert.True(mcCode == 0, mcErr);
            using (var mc = JsonDocument.Parse(mcOut))
            {
                Assert.Equal(500, mc.RootElement.GetProperty("metrics").GetProperty("paths").GetInt32());
                Assert.True(Directory.Exists(mc.RootElement.GetProperty("seriesFolder").GetString()));
            }

            var wfSpec = Path.Combine(dir.Path, "walk-forward.json");
            await File.WriteAllTextAsync(wfSpec, """{"strategies":["momentum"],"quantiles":[0.2,0.3],"from":"2022-01-03","train_sessions":252,"test_sessions":126}""", ct);
            var (wfCode, wfOut, wfErr) = await CliRunner.RunAsync(["backtest", "walk-forward", "--spec", wfSpec, "--wait", "--json", .. gateway]);
            Assert.True(wfCode == 0, wfErr);
            using (var wf = JsonDocument.Parse(wfOut))
            {
                Assert.Equal("walk-forward", wf.RootElement.GetProperty("kind").GetString());
                Assert.True(wf.RootElement.GetProperty("metrics").GetProperty("windows").GetArrayLength() >= 3);
            }

            // Without --gateway-port: the port 'research up' recorded for this data root.
            var (listCode, listOut, _) = await CliRunner.RunAsync(["backtest", "list", "--json", "--data-root", dir.Path]);
            // Into a pipe (the test's output is one): tab-separated lines, a header and one line per job, no wrapping.
            var (plainCode, plainOut, _) = await CliRunner.RunAsync(["backtest", "list", "--data-root", dir.Path]);
            Assert.Equal(0, plainCode);
            var plain = plainOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("job\tkind\tlabel\tstate", plain[0], StringComparison.Ordinal);
            Assert.All(plain, line => Assert.Equal(10, line.Split('\t').Length));
            Assert.Contains(plain, line => line.StartsWith(jobId + "\tbacktest\t", StringComparison.Ordinal));
            Assert.Equal($"cli:{Environment.UserName}", plain.Single(line => line.StartsWith(jobId, StringComparison.Ordinal)).Split('\t')[7]); // a CLI job says so
            Assert.Equal(0, listCode);
            using (var list = JsonDocument.Parse(listOut))
            {
                Assert.Equal(3, list.RootElement.GetArrayLength());
                Assert.Equal(jobId, list.RootElement[2].GetProperty("jobId").GetString());
            }

            // Paper trading from the CLI: an order (repeated with the same id: the same order), a manual trip that refuses
            // the next order, and a reset confirmed by the administrator's authenticator code, checked by the breaker grain
            // (codes work once: the enrolment just used this step's, so the next step's).
            var (tickerCode, tickerOut, tickerErr) = await CliRunner.RunAsync(["query", "--json", "--data-root", dir.Path,
                "SELECT n.ticker FROM crsp.names n JOIN crsp.daily d ON d.permno = n.permno AND d.date = (SELECT max(date) FROM crsp.daily) WHERE d.date BETWEEN n.namedt AND n.nameendt ORDER BY d.vol DESC LIMIT 1"]);
            Assert.True(tickerCode == 0, tickerErr);
            var ticker = JsonDocument.Parse(tickerOut).RootElement.GetProperty("rows")[0][0].GetString()!;
            string[] order = ["orders", "submit", "--account", "cli-desk", "--id", "o-1", "--symbol", ticker, "--side", "buy", "--quantity", "100", "--json", .. gateway];
            var (orderCode, orderOut, orderErr) = await CliRunner.RunAsync(order);
            Assert.True(orderCode == 0, orderErr);
            Assert.Equal("filled", JsonDocument.Parse(orderOut).RootElement.GetProperty("status").GetString());
            Assert.Equal(orderOut, (await CliRunner.RunAsync(order)).Out);
            var (reconcileCode, reconcileOut, reconcileErr) = await CliRunner.RunAsync(["orders", "reconcile", "--account", "cli-desk", .. gateway]);
            Assert.True(reconcileCode == 0, reconcileErr);
            Assert.Equal("cli-desk: 1 position(s) match fills.", reconcileOut.Trim());
            // The account's fills as tax lots: one lot of 100 shares at the fill's price plus its costs.
            var (lotsCode, lotsOut, lotsErr) = await CliRunner.RunAsync(["tax", "lots", "--account", "cli-desk", "--json", .. gateway]);
            Assert.True(lotsCode == 0, lotsErr);
            var lot = Assert.Single(JsonDocument.Parse(lotsOut).RootElement.EnumerateArray());
            var filled = JsonDocument.Parse(orderOut).RootElement;
            Assert.Equal((ticker, 100m), (lot.GetProperty("symbol").GetString(), lot.GetProperty("quantity").GetDecimal()));
            Assert.Equal((100 * filled.GetProperty("averagePrice").GetDouble()) + filled.GetProperty("costs").GetDouble(), (double)lot.GetProperty("basis").GetDecimal(), 6);
            // An alert rule on trips with a Slack channel (a local stand-in; the webhook address is the secret, read from
            // the environment): the trip below delivers one message naming the breaker.
            await using var slack = new HttpStub();
            Environment.SetEnvironmentVariable("RESEARCH_TEST_SLACK_HOOK", new Uri(slack.Address, "services/T1/B1/cli-secret").ToString());
            var (channelCode, channelOut, channelErr) = await CliRunner.RunAsync(["alerts", "channels", "set", "--name", "desk-slack", "--kind", "slack", "--secret-env", "RESEARCH_TEST_SLACK_HOOK", .. gateway]);
            Assert.True(channelCode == 0, channelErr);
            Assert.DoesNotContain("cli-secret", channelOut, StringComparison.Ordinal);
            var (ruleCode, _, ruleErr) = await CliRunner.RunAsync(["alerts", "rules", "set", "--name", "desk-trips", "--condition", "breaker-tripped", "--threshold", "1", "--channels", "desk-slack", "--subject", "account:*", "--severity", "critical", .. gateway]);
            Assert.True(ruleCode == 0, ruleErr);
            var (tripCode, _, tripErr) = await CliRunner.RunAsync(["breaker", "trip", "--scope", "account:cli-desk", "--reason", "desk halt", .. gateway]);
            Assert.True(tripCode == 0, tripErr);
            await Eventually.UntilAsync(() => slack.Delivered.Count == 1, "the trip's alert at the Slack stand-in", cancellationToken: ct);
            Assert.Contains("[CRITICAL] desk-trips: breaker-tripped account:cli-desk = 1 (threshold >= 1)", JsonDocument.Parse(slack.Delivered[0].Body).RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
            var (alertsCode, alertsOut, _) = await CliRunner.RunAsync(["alerts", "history", "--json", .. gateway]);
            Assert.Equal(0, alertsCode);
            Assert.Equal("sent", JsonDocument.Parse(alertsOut).RootElement[0].GetProperty("deliveries")[0].GetProperty("status").GetString());
            var (statusCode, statusOut, _) = await CliRunner.RunAsync(["breaker", "status", .. gateway]);
            Assert.Equal(1, statusCode); // a tripped breaker: the exit code says so
            Assert.Contains(statusOut.Split('\n'), line => line.Contains("account:cli-desk", StringComparison.Ordinal) && line.Contains("TRIPPED", StringComparison.Ordinal) && line.Contains("desk halt", StringComparison.Ordinal));
            var (refusedCode, refusedOut, _) = await CliRunner.RunAsync(["orders", "submit", "--account", "cli-desk", "--id", "o-2", "--symbol", ticker, "--side", "buy", "--quantity", "1", .. gateway]);
            Assert.Equal((1, $"o-2: buy 1 {ticker} rejected: breaker account:cli-desk is tripped: desk halt."), (refusedCode, refusedOut.Trim()));
            var (badResetCode, _, badResetErr) = await CliRunner.RunAsync(["breaker", "reset", "--scope", "account:cli-desk", "--reason", "checked", "--user", "admin", "--code", "000000", .. gateway]);
            Assert.Equal(1, badResetCode);
            Assert.Contains("a reset needs a current code from admin's authenticator", badResetErr, StringComparison.Ordinal);
            var (resetCode, _, resetErr) = await CliRunner.RunAsync(["breaker", "reset", "--scope", "account:cli-desk", "--reason", "checked", "--user", "admin", "--code", Totp.Code(totpKey, DateTimeOffset.UtcNow.AddSeconds(30)), .. gateway]);
            Assert.True(resetCode == 0, resetErr);
            var (historyCode, historyOut, _) = await CliRunner.RunAsync(["breaker", "history", "--scope", "account:cli-desk", "--json", .. gateway]);
            Assert.Equal(0, historyCode);
            Assert.Equal(["reset", "reset-refused", "trip"], JsonDocument.Parse(historyOut).RootElement.EnumerateArray().Select(e => e.GetProperty("action").GetString()));

            // The example trading service, its own process and a client of the cluster: it receives cli-desk's fills through
            // the account's stream and mirrors them onto cli-mirror, until a trip of cli-mirror's breaker blocks it.
            await using (var service = await TradingServiceProcess.StartAsync(["--follow", "cli-desk", "--mirror-to", "cli-mirror", "--ratio", "0.5", "--gateway-port", "40000"], ct))
            {
                var (o3Code, _, o3Err) = await CliRunner.RunAsync(["orders", "submit", "--account", "cli-desk", "--id", "o-3", "--symbol", ticker, "--side", "buy", "--quantity", "60", .. gateway]);
                Assert.True(o3Code == 0, o3Err);
                var mirrored = await service.NextAsync("mirrored", ct);
                Assert.Equal(("cli-mirror", "mirror-cli-desk-2", "filled", 30), (mirrored.GetProperty("account").GetString(), mirrored.GetProperty("id").GetString(), mirrored.GetProperty("status").GetString(), mirrored.GetProperty("filled").GetInt32()));
                var (tripMirrorCode, _, tripMirrorErr) = await CliRunner.RunAsync(["breaker", "trip", "--scope", "account:cli-mirror", "--reason", "mirror halt", .. gateway]);
                Assert.True(tripMirrorCode == 0, tripMirrorErr);
                var (o4Code, _, o4Err) = await CliRunner.RunAsync(["orders", "submit", "--account", "cli-desk", "--id", "o-4", "--symbol", ticker, "--side", "buy", "--quantity", "20", .. gateway]);
                Assert.True(o4Code == 0, o4Err);
                var blocked = await service.NextAsync("blocked", ct);
                Assert.Equal((3, "account:cli-mirror", "mirror halt"), (blocked.GetProperty("sequence").GetInt32(), blocked.GetProperty("breaker").GetString(), blocked.GetProperty("reason").GetString()));
                var (positionsCode, positionsOut, _) = await CliRunner.RunAsync(["positions", "--account", "cli-mirror", "--json", .. gateway]);
                Assert.Equal(0, positionsCode);
                Assert.Equal(30, JsonDocument.Parse(positionsOut).RootElement.GetProperty("positions")[0].GetProperty("quantity").GetInt32()); // the blocked fill was not mirrored
            }

            // Retention from the CLI: the pinned backtest stays, the Monte Carlo and walk-forward results go.
            var (pinCode, _, pinErr) = await CliRunner.RunAsync(["backtest", "pin", jobId, .. gateway]);
            Assert.True(pinCode == 0, pinErr);
            var (pruneCode, pruneOut, pruneErr) = await CliRunner.RunAsync(["backtest", "prune", "--keep", "0", "--max-age-days", "0", "--json", .. gateway]);
            Assert.True(pruneCode == 0, pruneErr);
            using (var prune = JsonDocument.Parse(pruneOut))
            {
                Assert.Equal(2, prune.RootElement.GetProperty("deleted").GetArrayLength());
                Assert.Equal(1, prune.RootElement.GetProperty("keptPinnedOrStarred").GetInt32());
            }

            var (keptCode, _, keptErr) = await CliRunner.RunAsync(["backtest", "result", jobId, "--json", .. gateway]);
            Assert.True(keptCode == 0, keptErr);

            // The strategy's record (the pinned backtest) as a report: archived, its PDF saved, its figures those of the run.
            var pdfFile = Path.Combine(dir.Path, "momentum.pdf");
            var (reportCode, reportOut, reportErr) = await CliRunner.RunAsync(["reports", "run", "--template", "strategy", "--subject", "momentum", "--out", pdfFile, "--json", .. gateway]);
            Assert.True(reportCode == 0, reportErr);
            using (var report = JsonDocument.Parse(reportOut))
            {
                var highlights = report.RootElement.GetProperty("highlights").EnumerateArray().Select(h => h.GetString()!).ToList();
                var sharpe = highlights.Single(h => h.StartsWith("Sharpe", StringComparison.Ordinal));
                Assert.EndsWith(": " + bt.RootElement.GetProperty("metrics").GetProperty("sharpe").GetDouble().ToString("F2", System.Globalization.CultureInfo.InvariantCulture), sharpe, StringComparison.Ordinal);
                Assert.True(report.RootElement.GetProperty("hasPdf").GetBoolean(), report.RootElement.GetProperty("pdfError").ToString());
                Assert.True(report.RootElement.GetProperty("dataVersions").TryGetProperty("famafrench/factors_daily", out _), reportOut);
                using var pdf = UglyToad.PdfPig.PdfDocument.Open(pdfFile);
                var words = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
                Assert.Contains(jobId, words, StringComparison.Ordinal);
                Assert.Contains(sharpe[(sharpe.LastIndexOf(' ') + 1)..], words, StringComparison.Ordinal);
                var (archiveCode, archiveOut, _) = await CliRunner.RunAsync(["reports", "archive", "--json", .. gateway]);
                Assert.Equal(0, archiveCode);
                Assert.Equal(report.RootElement.GetProperty("id").GetString(), JsonDocument.Parse(archiveOut).RootElement[0].GetProperty("id").GetString());
            }

            var (noSubjectCode, _, noSubjectErr) = await CliRunner.RunAsync(["reports", "run", "--template", "backtest", .. gateway]);
            Assert.Equal((1, "error: --subject: template 'backtest' needs one: the job id of a stored result."), (noSubjectCode, noSubjectErr.Trim()));

            var (missingCode, _, missingErr) = await CliRunner.RunAsync(["backtest", "result", "bt-0000000000000000", .. gateway]);
            Assert.NotEqual(0, missingCode);
            Assert.Contains("No job bt-0000000000000000", missingErr, StringComparison.Ordinal);

            // A sync through the cluster's writer (how a Production warehouse is seeded or refreshed), followed to the end.
            var before = new Research.Data.Warehouse.WarehouseCatalog(new Research.Data.Warehouse.WarehouseLayout(dir.Path)).ReadCurrent("famafrench/factors_daily")!.VersionId;
            var (syncCode, syncOut, syncErr) = await CliRunner.RunAsync(["sync", "--via-cluster", "--full-sync", "--dataset", "famafrench/factors_daily", "--json", .. gateway]);
            Assert.True(syncCode == 0, syncErr);
            using (var synced = JsonDocument.Parse(syncOut))
            {
                Assert.Equal("succeeded", synced.RootElement.GetProperty("state").GetString());
                var resynced = new Research.Data.Warehouse.WarehouseCatalog(new Research.Data.Warehouse.WarehouseLayout(dir.Path)).ReadCurrent("famafrench/factors_daily")!.VersionId;
                Assert.NotEqual(before, resynced);
                Assert.Equal($"famafrench/factors_daily@{resynced}", Assert.Single(synced.RootElement.GetProperty("published").EnumerateArray()).GetString());
            }

            // Where things run: one silo, with the scheduler and the sync writer on it (tab-separated into a pipe).
            var (showCode, showOut, showErr) = await CliRunner.RunAsync(["cluster", "show", .. gateway]);
            Assert.True(showCode == 0, showErr);
            var shown = showOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("silo\tname\thost\tstatus\tstarted_utc", shown[0]);
            Assert.Equal("Active", shown[1].Split('\t')[3]);
            Assert.Equal("grain_type\tsilo\tactivations", shown[2]);
            Assert.Contains(shown, line => line.StartsWith("BacktestSchedulerGrain\t", StringComparison.Ordinal));
            var (writerCode, writerOut, _) = await CliRunner.RunAsync(["cluster", "show", "--grain", "syncwriter", "--json", .. gateway]);
            Assert.Equal(0, writerCode);
            using (var writer = JsonDocument.Parse(writerOut))
            {
                Assert.Equal("SyncWriterGrain", Assert.Single(writer.RootElement.GetProperty("activations").EnumerateArray()).GetProperty("grainType").GetString());
            }

            var (wrongCode, _, wrongErr) = await CliRunner.RunAsync(["sync", "--via-cluster", "--full-sync", "--all", "--source", "wrds", .. gateway]);
            Assert.Equal(1, wrongCode);
            Assert.Contains("--via-cluster: the cluster's writer syncs the synthetic source only", wrongErr, StringComparison.Ordinal);

            var (code, status, _) = await CliRunner.RunAsync("status", "--data-root", dir.Path, "--json");
            Assert.Equal(0, code);
            using var json = JsonDocument.Parse(status);
            Assert.True(json.RootElement.GetProperty("running").GetBoolean());
            var pids = json.RootElement.GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ToList();
            Assert.Equal(3, pids.Count);

            // research up gives each child 20 s to stop before killing it; under a loaded CI machine the whole stop
            // can take most of a minute, so the bound here is generous (and the time is printed).
            // When this test runs as a background job of a shell without job control, the platform inherits SIGINT
            // ignored (POSIX); Ctrl-C cannot reach it then, and the same graceful stop is asked for with SIGTERM.
            var signal = Signals.IgnoresInterrupt(process.Id) ? Signals.SigTerm : Signals.SigInt;
            TestContext.Current.SendDiagnosticMessage($"stopping research up with {(signal == Signals.SigInt ? "SIGINT" : "SIGTERM (SIGINT is ignored in this process tree)")}");
            var stopping = Stopwatch.StartNew();
            Signals.Send(process.Id, signal);
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                stop.CancelAfter(TimeSpan.FromMinutes(3));
                await process.WaitForExitAsync(stop.Token);
            }

            TestContext.Current.SendDiagnosticMessage($"research up stopped {stopping.Elapsed.TotalSeconds:F1} s after Ctrl-C");

            Assert.Equal(0, process.ExitCode);
            Assert.All(pids, pid => Assert.False(IsAlive(pid), $"process {pid} is still running after Ctrl-C"));
            var (_, after, _) = await CliRunner.RunAsync("status", "--data-root", dir.Path);
            Assert.StartsWith("not running", after, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
