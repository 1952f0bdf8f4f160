using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Research.Cli.Platform;
using Research.Data.Warehouse;
using Research.Platform.Storage.Relational;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// A real Production cluster: PostgreSQL (membership, grain state, reminders, results, audit), three silo processes on one
/// shared warehouse, the CLI as the client; silos killed with SIGKILL.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SiloLossTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    /// <summary>
    /// A Monte Carlo job's silo is killed mid-run; from then on the test makes no call to the cluster at all and watches
    /// the result table in PostgreSQL: the cluster itself must resume the job and store exactly one result. Then the CLI
    /// reads the job, which says it ran again and finished on a surviving silo.
    /// </summary>
    [Fact]
    public async Task A_job_whose_silo_is_killed_finishes_on_the_survivors_without_any_client_call_and_stores_one_result()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresDatabase.CreateAsync();
        using var dir = TestEnvironment.CreateTempDirectory("silo-loss");
        await using var cluster = await ProductionCluster.StartAsync(database, dir.Path, seed: true, ct);
        var env = cluster.Environment;

        var (code, output, error) = await CliProcess.RunAsync(env, ["backtest", "submit", "--strategy", "momentum", "--wait", "--json"], ct);
        Assert.True(code == 0, error);
        var backtest = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
        (code, output, error) = await CliProcess.RunAsync(env, ["backtest", "monte-carlo", "--job", backtest, "--paths", "100000", "--length", "2520", "--json"], ct);
        Assert.True(code == 0, error);
        var job = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
        var running = await Eventually.UntilAsync(async () =>
        {
            var (c, o, _) = await CliProcess.RunAsync(env, ["backtest", "status", job, "--json"], ct);
            return c == 0 ? JsonDocument.Parse(o).RootElement.Clone() : default;
        }, s => s.ValueKind == JsonValueKind.Object && s.GetProperty("state").GetString() == "running" && s.GetProperty("fraction").GetDouble() > 0.05,
            "the Monte Carlo to be running", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);
        Assert.Equal(0L, await database.ScalarAsync($"SELECT count(*) FROM backtest_results WHERE job_id = '{job}'"));

        var address = running.GetProperty("silo").GetString()!;
        cluster.KillSiloAt(address);

        // No call to the cluster from here on: only the database is watched.
        var killed = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => database.ScalarAsync($"SELECT count(*) FROM backtest_results WHERE job_id = '{job}'"),
            n => n > 0, "the cluster to finish the job by itself", deadline: Bound, interval: TimeSpan.FromSeconds(2), cancellationToken: ct);
        TestContext.Current.SendDiagnosticMessage($"job stored {killed.Elapsed.TotalSeconds:F0} s after the kill");
        Assert.Equal(1L, await database.ScalarAsync($"SELECT count(*) FROM backtest_results WHERE job_id = '{job}'"));

        var (statusCode, statusOut, statusErr) = await CliProcess.RunAsync(env, ["backtest", "status", job, "--json"], ct);
        Assert.True(statusCode == 0, statusErr);
        var done = JsonDocument.Parse(statusOut).RootElement;
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.True(done.GetProperty("attempts").GetInt32() >= 2, statusOut);
        Assert.NotEqual(address, done.GetProperty("silo").GetString());
    }

    /// <summary>
    /// The silo that runs the warehouse writer (it holds the warehouse lock) is killed mid-sync while the CLI follows the
    /// sync: the writer resumes on a survivor, the dead holder's lock lapses and is recovered (audited), the sync publishes
    /// every dataset, and the CLI's follow ends with success.
    /// </summary>
    [Fact]
    public async Task The_sync_writers_silo_killed_mid_sync_the_sync_resumes_recovers_the_lock_and_the_following_cli_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresDatabase.CreateAsync();
        using var dir = TestEnvironment.CreateTempDirectory("writer-loss");
        await using var cluster = await ProductionCluster.StartAsync(database, dir.Path, seed: false, ct);
        var layout = new WarehouseLayout(dir.Path);
        var follow = CliProcess.RunAsync(cluster.Environment, ["sync", "--via-cluster", "--full-sync", "--all", "--json"], ct);

        // The writer holds the warehouse lock while it syncs; its holder names the silo process.
        var holder = await Eventually.UntilAsync(() => Task.FromResult(SyncLock.ReadHolder(layout)), h => h is not null, "the writer to take the warehouse lock",
            deadline: TimeSpan.FromMinutes(2), interval: TimeSpan.FromMilliseconds(200), cancellationToken: ct);
        Assert.True(cluster.KillSiloByPid(holder!.Pid), $"the lock holder pid {holder.Pid} is one of the silos");

        var (code, output, error) = await follow.WaitAsync(Bound + TimeSpan.FromMinutes(1), ct);
        Assert.True(code == 0, error);
        var status = JsonDocument.Parse(output).RootElement;
        Assert.Equal("succeeded", status.GetProperty("state").GetString());
        var catalog = new WarehouseCatalog(layout);
        foreach (var published in status.GetProperty("published").EnumerateArray().Select(p => p.GetString()!))
        {
            var (dataset, version) = (published[..published.IndexOf('@', StringComparison.Ordinal)], published[(published.IndexOf('@', StringComparison.Ordinal) + 1)..]);
            Assert.Equal(version, catalog.ReadCurrent(dataset)!.VersionId);
        }

        Assert.Equal(15, status.GetProperty("published").GetArrayLength());
        Assert.Null(SyncLock.ReadHolder(layout));
        Assert.True(await database.ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'warehouse.lock.recover'") >= 1, "the lock recovery is audited");
    }

    /// <summary>PostgreSQL-backed silos as separate processes, and the environment the CLI needs to reach them.</summary>
    private sealed class ProductionCluster : IAsyncDisposable
    {
        private readonly List<(Process Process, int SiloPort)> _silos = [];

        private ProductionCluster(Dictionary<string, string> environment) => Environment = environment;

        public Dictionary<string, string> Environment { get; }

        public static async Task<ProductionCluster> StartAsync(PostgresDatabase database, string dataRoot, bool seed, CancellationToken ct)
        {
            await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
            var clusterId = "loss-" + Guid.NewGuid().ToString("N")[..8];
            var cluster = new ProductionCluster(new Dictionary<string, string>
            {
                ["Research__Profile"] = "Production",
                ["Research__Cluster__ClusterId"] = clusterId,
                ["ConnectionStrings__Orleans"] = database.ConnectionString,
                ["Research__Cluster__AdvertisedAddress"] = "127.0.0.1",
                ["Research__DataRoot"] = dataRoot,
                ["Research__Synthetic__Stocks"] = "150",
                ["Research__Synthetic__Years"] = "4",
            });
            if (seed)
            {
                // The shared warehouse, seeded by the CLI in its own process (the silos only read it).
                var (seeded, _, seedError) = await CliProcess.RunAsync(cluster.Environment, ["sync", "--full-sync", "--all"], ct);
                Assert.True(seeded == 0, seedError);
            }

            var locator = PlatformLocator.Find();
            for (var i = 0; i < 3; i++)
            {
                var (siloPort, gatewayPort, httpPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
                var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                info.ArgumentList.Add(locator.SiloAssembly);
                foreach (var (k, v) in cluster.Environment)
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
                cluster._silos.Add((process, siloPort));
            }

            await Eventually.UntilAsync(() => database.ScalarAsync($"SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '{clusterId}' AND status = 3"),
                n => n == 3, "three active silos", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);
            return cluster;
        }

        /// <summary>SIGKILLs the silo whose Orleans address (as a job status shows it) is <paramref name="address"/>.</summary>
        public void KillSiloAt(string address) =>
            _silos.Single(s => address.Contains($":{s.SiloPort.ToString(CultureInfo.InvariantCulture)}@", StringComparison.Ordinal)).Process.Kill();

        /// <summary>SIGKILLs the silo process <paramref name="pid"/>; false when no silo has that pid.</summary>
        public bool KillSiloByPid(int pid)
        {
            var silo = _silos.FirstOrDefault(s => s.Process.Id == pid).Process;
            silo?.Kill();
            return silo is not null;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (process, _) in _silos)
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
}
