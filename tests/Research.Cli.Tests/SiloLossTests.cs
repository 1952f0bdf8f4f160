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
    /// The silo that runs the warehouse writer (it holds the warehouse lock) is killed mid-sync while the CLI follows the
    /// sync: the writer resumes on a survivor, the dead holder's lock lapses and is recovered (audited), the sync publishes
    /// every dataset with the bytes of an undisturbed sync, and the CLI's follow ends with success.
    /// </summary>
    [Fact]
    public async Task The_sync_writers_silo_killed_mid_sync_the_sync_resumes_recovers_the_lock_and_the_following_cli_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresDatabase.CreateAsync();
        using var dir = TestEnvironment.CreateTempDirectory("writer-loss");
        await using var cluster = await ProductionCluster.StartAsync(database, dir.Path, silos: 3, ct);
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

        // The same bytes as an undisturbed sync of the same source into another folder (the CLI in its own process).
        using var calmDir = TestEnvironment.CreateTempDirectory("writer-calm");
        await ProductionCluster.SeedAsync(database, calmDir.Path, TestContext.Current.CancellationToken);
        var calm = new WarehouseCatalog(new WarehouseLayout(calmDir.Path));
        foreach (var published in status.GetProperty("published").EnumerateArray().Select(p => p.GetString()!))
        {
            var dataset = published[..published.IndexOf('@', StringComparison.Ordinal)];
            Assert.Equal(calm.ReadCurrent(dataset)!.Files.Select(f => f.Sha256), catalog.ReadCurrent(dataset)!.Files.Select(f => f.Sha256));
        }

        Assert.Null(SyncLock.ReadHolder(layout));
        Assert.True(await database.ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'warehouse.lock.recover'") >= 1, "the lock recovery is audited");
    }

    /// <summary>
    /// On four Production silos a Monte Carlo runs while a walk-forward and a second Monte Carlo wait behind it (one job
    /// per user). While a job runs (the first Monte Carlo, or the walk-forward when the Monte Carlo finished while the
    /// silos were being found), the scheduler's silo and, once it is gone, a silo that runs only units are SIGKILLed;
    /// a replacement silo joins; when the second Monte Carlo runs, its silo is SIGKILLed too. Only the scheduler starts
    /// queued jobs, so the cluster must bring it back by itself: after the kills the test calls neither the scheduler
    /// nor a job whose silo died (only the queued Monte Carlo's status, to see where it starts), and after the last kill
    /// nothing at all. Every job finishes within <see cref="Bound"/> of the last kill, stored once, with the metric and
    /// series bytes of the same jobs on an undisturbed one-silo cluster over a copy of the same warehouse; every CLI
    /// call made during the kills succeeded.
    /// </summary>
    [Fact]
    public async Task Jobs_outlive_the_schedulers_silo_a_unit_only_silo_and_a_jobs_silo_with_the_bytes_of_an_undisturbed_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var calmDatabase = await PostgresDatabase.CreateAsync();
        await using var stormDatabase = await PostgresDatabase.CreateAsync();
        using var dir = TestEnvironment.CreateTempDirectory("silo-storm");
        var (calmRoot, stormRoot) = (Path.Combine(dir.Path, "calm"), Path.Combine(dir.Path, "storm"));
        await ProductionCluster.SeedAsync(calmDatabase, calmRoot, ct);
        CopyDirectory(calmRoot, stormRoot); // the same versions, hence the same job ids
        var spec = Path.Combine(dir.Path, "walk-forward.json");
        await File.WriteAllTextAsync(spec, """{"strategies":["momentum","low-vol","value","quality","size"],"quantiles":[0.1,0.2,0.3,0.4,0.5],"train_sessions":126,"test_sessions":21,"expanding":true}""", ct);
        const string Stored = "SELECT coalesce(string_agg(job_id || ' ' || metrics_sha256 || ' ' || series_sha256, '; ' ORDER BY job_id), '') FROM backtest_results";

        string undisturbed;
        await using (var calm = await ProductionCluster.StartAsync(calmDatabase, calmRoot, silos: 1, ct))
        {
            var jobs = await SubmitJobsAsync(calm.Environment, spec, ct);
            await Eventually.UntilAsync(() => calmDatabase.ScalarAsync("SELECT count(*) FROM backtest_results"), n => n == 4, "the undisturbed jobs", deadline: Bound,
                interval: TimeSpan.FromSeconds(1), cancellationToken: ct);
            undisturbed = await calmDatabase.TextAsync(Stored);
            Assert.All(jobs, id => Assert.Contains(id, undisturbed, StringComparison.Ordinal));
        }

        await using var storm = await ProductionCluster.StartAsync(stormDatabase, stormRoot, silos: 4, ct);
        var env = storm.Environment;
        var submitted = await SubmitJobsAsync(env, spec, ct);
        var (first, walkForward, second) = (submitted[1], submitted[2], submitted[3]);
        await Eventually.UntilAsync(() => JobAsync(env, first, ct), s => s.GetProperty("state").GetString() == "running" && s.GetProperty("fraction").GetDouble() > 0.02,
            "the first Monte Carlo to be running", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);
        Assert.Equal("queued", (await JobAsync(env, walkForward, ct)).GetProperty("state").GetString());

        // 1 and 2. The scheduler's silo, then a silo that runs Monte Carlo units and nothing else of the jobs.
        // Idle grains of the finished backtest and of the queued jobs may sit anywhere; what must not be on the unit-only
        // silo is the scheduler, the running job's grain or the sync writer.
        // Placement is random: if after 5 looks no silo besides those two holds units (seen once in CI), any other silo
        // without the scheduler or the sync writer is killed instead; the message says which it was.
        var looks = 0;
        var (scheduler, unitOnly) = await Eventually.UntilAsync(async () =>
        {
            var shown = await ShowAsync(env, ct);
            var jobSilo = (await JobAsync(env, first, ct)).GetProperty("silo").GetString();
            var at = shown.Where(a => a.GrainType == "BacktestSchedulerGrain").Select(a => a.Silo).SingleOrDefault();
            return (Scheduler: at, UnitOnly: at is null || jobSilo is null ? null : UnitOnly(shown, except: [at, jobSilo], anySilo: ++looks > 5));
        }, found => found.Scheduler is not null && found.UnitOnly is not null, "the scheduler and a unit-only silo", deadline: TimeSpan.FromMinutes(1), cancellationToken: ct);
        // The kills must land while a job runs: the first Monte Carlo, or, when it finished during the search (it did on a
        // fast machine), the walk-forward the scheduler started next.
        // Between two jobs the scheduler needs a tick to start the next (seen in CI: the Monte Carlo had just finished and
        // the walk-forward was still queued), so this waits for one to be running rather than looking once.
        // The probe's value is every job's state, so a timeout says where they were (CI once saw none running in 45 s).
        var inFlight = await Eventually.UntilAsync(async () => string.Join(", ", (await Task.WhenAll(new[] { first, walkForward, second }.Select(job => JobAsync(env, job, ct))))
            .Select(s => $"{s.GetProperty("jobId").GetString()} {s.GetProperty("state").GetString()}")),
            states => states.Contains(" running", StringComparison.Ordinal), "a job running when the silos are killed", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);
        TestContext.Current.SendDiagnosticMessage($"jobs at the kills: {inFlight}");
        storm.KillSiloAt(scheduler!, "the backtest scheduler's");
        storm.KillSiloAt(unitOnly!.Value.Silo, unitOnly.Value.HoldsUnits ? "a unit-only" : "a unitless");
        await storm.StartSiloAsync(ct);

        // 3. The second Monte Carlo's silo once the revived scheduler has started it and it has made progress.
        var running = await Eventually.UntilAsync(() => JobAsync(env, second, ct), s => s.GetProperty("state").GetString() == "running" && s.GetProperty("fraction").GetDouble() > 0.1,
            "the queued Monte Carlo to start by itself and progress", deadline: Bound, interval: TimeSpan.FromSeconds(1), cancellationToken: ct);
        storm.KillSiloAt(running.GetProperty("silo").GetString()!, "the second Monte Carlo's");

        // No call to the cluster from here on: only the database is watched.
        var lastKill = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => stormDatabase.ScalarAsync("SELECT count(*) FROM backtest_results"), n => n >= 4, "the cluster to finish every job by itself",
            deadline: Bound, interval: TimeSpan.FromSeconds(1), cancellationToken: ct);
        TestContext.Current.SendDiagnosticMessage($"every job stored {lastKill.Elapsed.TotalSeconds:F0} s after the last kill ({string.Join("; ", storm.Kills)})");
        Assert.Equal(undisturbed, await stormDatabase.TextAsync(Stored));

        var statuses = await Task.WhenAll(new[] { first, walkForward, second }.Select(job => JobAsync(env, job, ct)));
        Assert.All(statuses, s => Assert.Equal("succeeded", s.GetProperty("state").GetString()));
        Assert.True(statuses[2].GetProperty("attempts").GetInt32() >= 2, "the second Monte Carlo ran again after its silo died");
        Assert.NotEqual(running.GetProperty("silo").GetString(), statuses[2].GetProperty("silo").GetString());
    }

    /// <summary>A backtest (waited for), then a Monte Carlo of it, a walk-forward and a second Monte Carlo, queued in that order.</summary>
    private static async Task<string[]> SubmitJobsAsync(Dictionary<string, string> env, string walkForwardSpec, CancellationToken ct)
    {
        async Task<string> SubmitAsync(params string[] args)
        {
            var (code, output, error) = await CliProcess.RunAsync(env, ["backtest", .. args, "--json"], ct);
            Assert.True(code == 0, error);
            return JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
        }

        var backtest = await SubmitAsync("submit", "--strategy", "momentum", "--wait");
        return
        [
            backtest,
            await SubmitAsync("monte-carlo", "--job", backtest, "--paths", "400000", "--length", "2520"),
            await SubmitAsync("walk-forward", "--spec", walkForwardSpec),
            await SubmitAsync("monte-carlo", "--job", backtest, "--paths", "150000", "--length", "2520"),
        ];
    }

    private static async Task<JsonElement> JobAsync(Dictionary<string, string> env, string job, CancellationToken ct)
    {
        var (code, output, error) = await CliProcess.RunAsync(env, ["backtest", "status", job, "--json"], ct);
        Assert.True(code == 0, $"backtest status {job}: {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>What <c>research cluster show</c> reports as active: grain type and silo, one per pair.</summary>
    private static async Task<IReadOnlyList<(string GrainType, string Silo)>> ShowAsync(Dictionary<string, string> env, CancellationToken ct)
    {
        var (code, output, error) = await CliProcess.RunAsync(env, ["cluster", "show", "--json"], ct);
        Assert.True(code == 0, $"cluster show: {error}");
        return [.. JsonDocument.Parse(output).RootElement.GetProperty("activations").EnumerateArray()
            .Select(a => (a.GetProperty("grainType").GetString()!, a.GetProperty("silo").GetString()!))];
    }

    /// <summary>
    /// A silo not in <paramref name="except"/> (the scheduler's and the running job's) with units of a job and no
    /// scheduler or sync writer; with <paramref name="anySilo"/>, failing that, such a silo without units.
    /// </summary>
    private static (string Silo, bool HoldsUnits)? UnitOnly(IReadOnlyList<(string GrainType, string Silo)> activations, string[] except, bool anySilo)
    {
        string[] units = ["MonteCarloChunkGrain", "WalkForwardShardGrain"];
        string[] others = ["BacktestSchedulerGrain", "SyncWriterGrain"];
        var candidates = activations.Select(a => a.Silo).Where(silo => !except.Contains(silo) && !activations.Any(a => a.Silo == silo && others.Contains(a.GrainType))).Distinct().ToList();
        var withUnits = candidates.FirstOrDefault(silo => activations.Any(a => a.Silo == silo && units.Contains(a.GrainType)));
        if (withUnits is null && anySilo && candidates.Count > 0)
        {
            TestContext.Current.SendDiagnosticMessage($"no silo besides the scheduler's and the job's holds units; killing {candidates[0]}, which holds none");
        }

        return withUnits is not null ? (withUnits, true) : anySilo && candidates.Count > 0 ? (candidates[0], false) : null;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    /// <summary>PostgreSQL-backed silos as separate processes, and the environment the CLI needs to reach them.</summary>
    private sealed class ProductionCluster : IAsyncDisposable
    {
        private readonly List<(Process Process, int SiloPort)> _silos = [];
        private readonly PostgresDatabase _database;
        private readonly string _clusterId;

        private ProductionCluster(PostgresDatabase database, string clusterId, Dictionary<string, string> environment) =>
            (_database, _clusterId, Environment) = (database, clusterId, environment);

        public Dictionary<string, string> Environment { get; }

        /// <summary>What was killed, in order, for the test's diagnostics.</summary>
        public List<string> Kills { get; } = [];

        private static Dictionary<string, string> EnvironmentFor(PostgresDatabase database, string dataRoot, string clusterId) => new()
        {
            ["Research__Profile"] = "Production",
            ["Research__Cluster__ClusterId"] = clusterId,
            ["ConnectionStrings__Orleans"] = database.ConnectionString,
            ["Research__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Research__DataRoot"] = dataRoot,
            ["Research__Synthetic__Stocks"] = "150",
            ["Research__Synthetic__Years"] = "4",
            ["Research__Backtests__MaxJobsPerUser"] = "1",
        };

        /// <summary>Seeds the shared warehouse with the CLI in its own process (the silos only read it).</summary>
        public static async Task SeedAsync(PostgresDatabase database, string dataRoot, CancellationToken ct)
        {
            await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
            var (seeded, _, seedError) = await CliProcess.RunAsync(EnvironmentFor(database, dataRoot, "seed"), ["sync", "--full-sync", "--all"], ct);
            Assert.True(seeded == 0, seedError);
        }

        public static async Task<ProductionCluster> StartAsync(PostgresDatabase database, string dataRoot, int silos, CancellationToken ct)
        {
            await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
            var clusterId = "loss-" + Guid.NewGuid().ToString("N")[..8];
            var cluster = new ProductionCluster(database, clusterId, EnvironmentFor(database, dataRoot, clusterId));
            var ports = Enumerable.Range(0, silos).Select(_ => cluster.Launch()).ToList();
            await Task.WhenAll(ports.Select(port => cluster.ActiveAsync(port, ct)));
            return cluster;
        }

        /// <summary>Starts one more silo and waits until the membership table lists it active.</summary>
        public Task StartSiloAsync(CancellationToken ct) => ActiveAsync(Launch(), ct);

        private int Launch()
        {
            var (siloPort, gatewayPort, httpPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(PlatformLocator.Find().SiloAssembly);
            foreach (var (k, v) in Environment)
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
            _silos.Add((process, siloPort));
            return siloPort;
        }

        private Task ActiveAsync(int siloPort, CancellationToken ct) =>
            Eventually.UntilAsync(() => _database.ScalarAsync($"SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '{_clusterId}' AND port = {siloPort} AND status = 3"),
                n => n == 1, $"the silo on port {siloPort} to be active", deadline: TimeSpan.FromMinutes(2), cancellationToken: ct);

        /// <summary>SIGKILLs the silo whose Orleans address (as a job status or <c>cluster show</c> gives it) is <paramref name="address"/>.</summary>
        public void KillSiloAt(string address, string what)
        {
            var process = _silos.Single(s => s.SiloPort == PortOf(address)).Process;
            process.Kill();
            process.WaitForExit();
            Kills.Add($"{what} silo {address}");
        }

        private static int PortOf(string address)
        {
            var colon = address.IndexOf(':', StringComparison.Ordinal);
            var at = address.IndexOf('@', colon);
            return int.Parse(address[(colon + 1)..at], CultureInfo.InvariantCulture);
        }

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
