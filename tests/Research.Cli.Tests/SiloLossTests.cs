using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Research.Cli.Platform;
using Research.Platform.Storage.Relational;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// A real Production cluster: PostgreSQL (membership, grain state, reminders, results), three silo processes on one shared
/// warehouse, the CLI as the client. A Monte Carlo job's silo is killed with SIGKILL mid-run; from then on the test makes
/// no call to the cluster at all and watches the result table in PostgreSQL: the cluster itself must resume the job and
/// store exactly one result. Then the CLI reads the job, which says it ran twice and finished on a surviving silo.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SiloLossTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_job_whose_silo_is_killed_finishes_on_the_survivors_without_any_client_call_and_stores_one_result()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresDatabase.CreateAsync();
        await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
        using var dir = TestEnvironment.CreateTempDirectory("silo-loss");
        var clusterId = "loss-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>
        {
            ["Research__Profile"] = "Production",
            ["Research__Cluster__ClusterId"] = clusterId,
            ["ConnectionStrings__Orleans"] = database.ConnectionString,
            ["Research__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Research__DataRoot"] = dir.Path,
            ["Research__Synthetic__Stocks"] = "150",
            ["Research__Synthetic__Years"] = "4",
        };

        // The shared warehouse, seeded in this process's CLI (the silos only read it).
        var (seeded, _, seedError) = await RunCliAsync(environment, ["sync", "--full-sync", "--all"], ct);
        Assert.True(seeded == 0, seedError);

        var locator = PlatformLocator.Find();
        var silos = new List<(Process Process, int SiloPort)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var (siloPort, gatewayPort, httpPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
                var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                info.ArgumentList.Add(locator.SiloAssembly);
                foreach (var (k, v) in environment)
                {
                    info.Environment[k] = v;
                }

                info.Environment["Research__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
                info.Environment["Research__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
                info.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
                var process = Process.Start(info)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                silos.Add((process, siloPort));
            }

            await Eventually.UntilAsync(() => database.ScalarAsync($"SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '{clusterId}' AND status = 3"),
                n => n == 3, "three active silos", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);

            // A backtest, then a Monte Carlo of it long enough to be killed mid-run.
            var backtest = await SubmitAsync(environment, ["backtest", "submit", "--strategy", "momentum", "--wait", "--json"], ct);
            var (code, output, error) = await RunCliAsync(environment, ["backtest", "monte-carlo", "--job", backtest, "--paths", "100000", "--length", "2520", "--json"], ct);
            Assert.True(code == 0, error);
            var job = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
            var running = await Eventually.UntilAsync(async () =>
            {
                var (c, o, _) = await RunCliAsync(environment, ["backtest", "status", job, "--json"], ct);
                return c == 0 ? JsonDocument.Parse(o).RootElement.Clone() : default;
            }, s => s.ValueKind == JsonValueKind.Object && s.GetProperty("state").GetString() == "running" && s.GetProperty("fraction").GetDouble() > 0.05,
                "the Monte Carlo to be running", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);
            Assert.Equal(0L, await database.ScalarAsync($"SELECT count(*) FROM backtest_results WHERE job_id = '{job}'"));

            var address = running.GetProperty("silo").GetString()!;
            var victim = silos.Single(s => address.Contains($":{s.SiloPort.ToString(CultureInfo.InvariantCulture)}@", StringComparison.Ordinal));
            victim.Process.Kill(); // SIGKILL
            var killedAt = Stopwatch.StartNew();

            // No call to the cluster from here on: only the database is watched.
            await Eventually.UntilAsync(() => database.ScalarAsync($"SELECT count(*) FROM backtest_results WHERE job_id = '{job}'"),
                n => n > 0, "the cluster to finish the job by itself", deadline: Bound, interval: TimeSpan.FromSeconds(2), cancellationToken: ct);
            TestContext.Current.SendDiagnosticMessage($"stored {killedAt.Elapsed.TotalSeconds:F0} s after the kill");
            Assert.Equal(1L, await database.ScalarAsync($"SELECT count(*) FROM backtest_results WHERE job_id = '{job}'"));

            var (statusCode, statusOut, statusErr) = await RunCliAsync(environment, ["backtest", "status", job, "--json"], ct);
            Assert.True(statusCode == 0, statusErr);
            var done = JsonDocument.Parse(statusOut).RootElement;
            Assert.Equal("succeeded", done.GetProperty("state").GetString());
            Assert.True(done.GetProperty("attempts").GetInt32() >= 2, statusOut);
            Assert.NotEqual(address, done.GetProperty("silo").GetString());
        }
        finally
        {
            foreach (var (process, _) in silos)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync(CancellationToken.None);
                process.Dispose();
            }
        }
    }

    private static async Task<string> SubmitAsync(Dictionary<string, string> environment, string[] args, CancellationToken ct)
    {
        var (code, output, error) = await RunCliAsync(environment, args, ct);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
    }

    private static Task<(int Code, string Output, string Error)> RunCliAsync(Dictionary<string, string> environment, string[] args, CancellationToken ct) =>
        CliProcess.RunAsync(environment, args, ct);
}
