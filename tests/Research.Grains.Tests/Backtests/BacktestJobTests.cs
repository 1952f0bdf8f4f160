using System.Collections.Concurrent;
using System.Diagnostics;
using DuckDB.NET.Data;
using Research.Backtesting.Jobs;
using Research.Backtesting.Results;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;
using Research.Platform.Storage.Results;
using Research.Testing;

namespace Research.Grains.Tests.Backtests;

/// <summary>Backtest and Monte Carlo jobs on in-process clusters: idempotent ids, stored results, fan-out, silo loss, cancel, priorities.</summary>
public sealed class BacktestJobTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    private static readonly BacktestJobSpec Momentum = new("momentum", From: new DateOnly(2022, 1, 3));

    private static JobSubmission Backtest(BacktestJobSpec spec, JobPriority priority = JobPriority.Normal, string user = "alice") => new(spec, null, priority, user);

    private static JobSubmission MonteCarlo(string source, int paths, int? length = null, JobPriority priority = JobPriority.Normal, string user = "alice") =>
        new(null, new MonteCarloJobSpec(source, paths, MonteCarloMethod.Bootstrap, 20, length, Seed: 7), priority, user);

    [Fact]
    public async Task The_same_spec_is_the_same_job_and_its_result_equals_the_in_process_run_byte_for_byte()
    {
        var results = fixture.Scratch("idempotent");
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, results, new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);

        var first = await scheduler.SubmitAsync(Backtest(Momentum));
        var second = await scheduler.SubmitAsync(Backtest(Momentum, JobPriority.High, "bob"));
        Assert.Equal(first.JobId, second.JobId);
        Assert.StartsWith("bt-", first.JobId, StringComparison.Ordinal);
        Assert.NotEqual(first.JobId, (await scheduler.SubmitAsync(Backtest(Momentum with { Quantile = 0.3 }))).JobId);

        var job = cluster.Client.GetGrain<IBacktestJobGrain>(first.JobId);
        var done = await BacktestCluster.WaitAsync(job);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(first.JobId, (await scheduler.SubmitAsync(Backtest(Momentum))).JobId); // finished: still the same job, not rerun
        Assert.Equal(JobState.Succeeded, (await job.GetStatusAsync()).State);

        var result = (await job.GetResultAsync())!;
        var inProcess = BacktestRunner.Run(fixture.Layout, BacktestSpecs.ToRequest(Momentum), result.DataVersions, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ResultDocuments.Serialize(inProcess.Metrics), result.MetricsJson);
        Assert.Equal(BacktestRunner.CurrentVersions(fixture.Layout), result.DataVersions);

        // The series: checksummed Parquet whose daily returns are the run's, and the trades the engine made.
        var store = new BacktestSeriesStore(Path.Combine(results, "series"));
        var stored = (await store.ReadAsync(first.JobId, TestContext.Current.CancellationToken))!;
        Assert.Equal(result.SeriesSha256, stored.Sha256);
        Assert.Equal(["daily.parquet", "trades.parquet", "positions.parquet", "securities.parquet"], stored.Files.Select(f => f.Name));
        Assert.Equal(inProcess.Result.Trades.Count, stored.Files.Single(f => f.Name == "trades.parquet").Rows);
        var (_, returns) = await store.ReadDailyReturnsAsync(first.JobId, TestContext.Current.CancellationToken);
        Assert.Equal(inProcess.Result.Returns, returns);

        // Each trade with its price (the CRSP close of its date: next-close execution), shares and value; the last
        // holdings with each security's P&L over the run.
        var (_, page) = await store.ReadTradesAsync(first.JobId, 0, 500, cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(page, t =>
        {
            Assert.True(t.Price > 0, $"price of {t.Permno} on {t.Date}");
            Assert.Equal(t.Value!.Value, t.Shares!.Value * t.Price!.Value, Math.Abs(t.Value.Value) * 1e-9);
        });
        var (_, held) = await store.ReadLastPositionsAsync(first.JobId, TestContext.Current.CancellationToken);
        Assert.All(held, p => Assert.NotNull(p.Pnl));
        Assert.NotEmpty(held);
        var index = inProcess.Permnos.Select((permno, i) => (permno, i)).ToDictionary(x => x.permno, x => x.i);
        Assert.All(held, p => Assert.Equal(inProcess.Result.SecurityPnl[index[p.Permno]], p.Pnl!.Value));

        // A trade bootstrap of the stored backtest: whole holding periods between its (monthly) trade dates.
        var trades = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(first.JobId, 400, MonteCarloMethod.Trades, Seed: 5), JobPriority.Normal, "alice"));
        var tradesDone = await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(trades.JobId));
        Assert.True(tradesDone.State == JobState.Succeeded, tradesDone.Error);
        var summary = ResultDocuments.Deserialize<Research.Backtesting.MonteCarlo.MonteCarloSummary>((await cluster.Client.GetGrain<IBacktestJobGrain>(trades.JobId).GetResultAsync())!.MetricsJson);
        Assert.Equal(400, summary.Paths);
        Assert.True(summary.Sharpe!.Lower < inProcess.Metrics.Sharpe && inProcess.Metrics.Sharpe < summary.Sharpe.Upper, $"{summary.Sharpe} vs {inProcess.Metrics.Sharpe}");

        // Retention: pinned results stay, the others go (row and series); a pruned job submitted again is computed again.
        var other = (await scheduler.SubmitAsync(Backtest(Momentum with { Quantile = 0.3 }))).JobId;
        await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(other));
        Assert.True(await scheduler.SetFlagsAsync(first.JobId, pinned: true, starred: null));
        Assert.False(await scheduler.SetFlagsAsync("bt-0000000000000000", pinned: true, starred: null));
        var report = await scheduler.ApplyRetentionAsync(keepLatest: 0, maxAgeDays: 0);
        Assert.Equal(new[] { other, trades.JobId }.Order(StringComparer.Ordinal), report.Deleted.Order(StringComparer.Ordinal));
        Assert.Equal(1, report.KeptPinnedOrStarred);
        Assert.False(Directory.Exists(store.Folder(other)));
        Assert.True(Directory.Exists(store.Folder(first.JobId)));
        Assert.Null(await cluster.Client.GetGrain<IBacktestJobGrain>(other).GetResultAsync());
        var again = await scheduler.SubmitAsync(Backtest(Momentum with { Quantile = 0.3 }));
        Assert.Equal(other, again.JobId);
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(other))).State);
        Assert.NotNull(await cluster.Client.GetGrain<IBacktestJobGrain>(other).GetResultAsync());

        // A damaged series file is refused by name.
        var daily = Path.Combine(stored.Folder, "daily.parquet");
        var bytes = await File.ReadAllBytesAsync(daily, TestContext.Current.CancellationToken);
        bytes[^20] ^= 0xFF;
        await File.WriteAllBytesAsync(daily, bytes, TestContext.Current.CancellationToken);
        var damaged = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync(first.JobId, TestContext.Current.CancellationToken));
        Assert.Contains("daily.parquet", damaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monte_Carlo_gives_identical_bytes_on_one_and_on_three_silos_with_one_killed_mid_run()
    {
        var options = new BacktestJobOptions { MonteCarloChunkPaths = 100, MaxChunksInFlight = 2, TickPeriod = TimeSpan.FromMilliseconds(200), LeaseLength = TimeSpan.FromSeconds(3), ChunkTimeout = TimeSpan.FromSeconds(5) };
        const int Paths = 6000;
        const int Days = 2520;

        async Task<(BacktestJobResult Backtest, BacktestJobResult MonteCarlo, string Folder, BacktestJobStatus Status, string? Killed)> RunAsync(int silos, bool kill)
        {
            var results = fixture.Scratch($"silos{silos}");
            await using var cluster = await BacktestCluster.StartAsync(silos, fixture.Layout, results, options);
            var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
            var bt = await scheduler.SubmitAsync(Backtest(Momentum));
            Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId))).State);
            var mc = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, Paths, Days));
            var job = cluster.Client.GetGrain<IBacktestJobGrain>(mc.JobId);
            string? killed = null;
            var status = await BacktestCluster.WaitAsync(job, async running =>
            {
                if (kill && killed is null && running.Fraction > 0.15)
                {
                    // Kill the silo the job itself runs on: the job must resume elsewhere from its checkpoint.
                    var victim = cluster.Silos.First(s => s.SiloAddress.ToParsableString() == running.Silo);
                    killed = running.Silo;
                    await cluster.KillSiloAsync(victim);
                }
            });
            Assert.True(status.State == JobState.Succeeded, status.Error);
            var btResult = (await cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId).GetResultAsync())!;
            var mcResult = (await job.GetResultAsync())!;
            return (btResult, mcResult, mcResult.SeriesFolder, status, killed);
        }

        var one = await RunAsync(1, kill: false);
        var three = await RunAsync(3, kill: true);

        Assert.NotNull(three.Killed); // the kill happened while the job was running
        Assert.NotEqual(three.Killed, three.Status.Silo); // and the job finished on another silo
        Assert.True(three.Status.Attempts >= 2, $"attempts {three.Status.Attempts}");
        Assert.Equal(one.Backtest.MetricsSha256, three.Backtest.MetricsSha256);
        Assert.Equal(one.MonteCarlo.JobId, three.MonteCarlo.JobId);
        Assert.Equal(one.MonteCarlo.MetricsJson, three.MonteCarlo.MetricsJson);
        Assert.Equal(one.MonteCarlo.SeriesSha256, three.MonteCarlo.SeriesSha256);

        // No duplicate or missing paths.
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT path), min(path), max(path) FROM read_parquet({DuckDbSql.List([Path.Combine(three.Folder, "paths.parquet")])})";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal((long)Paths, reader.GetInt64(0));
        Assert.Equal((long)Paths, reader.GetInt64(1));
        Assert.Equal(0, reader.GetInt32(2));
        Assert.Equal(Paths - 1, reader.GetInt32(3));
    }

    [Fact]
    public async Task A_job_whose_silo_shuts_down_hands_over_at_once_instead_of_waiting_out_its_lease()
    {
        // A ten-minute lease: without the hand-over on deactivation, the job could not resume within the wait's bound.
        var options = new BacktestJobOptions { MonteCarloChunkPaths = 100, MaxChunksInFlight = 2, TickPeriod = TimeSpan.FromMilliseconds(200), LeaseLength = TimeSpan.FromMinutes(10), ChunkTimeout = TimeSpan.FromSeconds(5) };
        const int Paths = 4000;
        await using var cluster = await BacktestCluster.StartAsync(2, fixture.Layout, fixture.Scratch("handover"), options);
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var bt = await scheduler.SubmitAsync(Backtest(Momentum));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId))).State);
        var mc = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, Paths, 2520));
        var job = cluster.Client.GetGrain<IBacktestJobGrain>(mc.JobId);
        string? stopped = null;
        var status = await BacktestCluster.WaitAsync(job, async running =>
        {
            if (stopped is null && running.Fraction > 0.15)
            {
                var victim = cluster.Silos.First(s => s.SiloAddress.ToParsableString() == running.Silo);
                stopped = running.Silo;
                await cluster.StopSiloAsync(victim); // graceful: the activation is deactivated
            }
        });

        Assert.True(status.State == JobState.Succeeded, status.Error);
        Assert.NotNull(stopped);
        Assert.NotEqual(stopped, status.Silo);
        Assert.Equal(2, status.Attempts);
        var result = (await job.GetResultAsync())!;
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*), count(DISTINCT path) FROM read_parquet({DuckDbSql.List([Path.Combine(result.SeriesFolder, "paths.parquet")])})";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal(((long)Paths, (long)Paths), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task Cancel_stops_a_running_job_and_a_queued_one_and_no_result_is_stored()
    {
        var results = fixture.Scratch("cancel");
        var options = new BacktestJobOptions { MonteCarloChunkPaths = 50, MaxChunksInFlight = 1, TickPeriod = TimeSpan.FromMilliseconds(200) };
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, results, options);
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var bt = await scheduler.SubmitAsync(Backtest(Momentum));
        await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId));

        var running = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 200_000, 6300));
        var queued = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 1000, priority: JobPriority.Low));
        Assert.Equal(JobState.Queued, queued.State); // one job per silo: it waits
        var job = cluster.Client.GetGrain<IBacktestJobGrain>(running.JobId);
        await Eventually.UntilAsync(() => job.GetStatusAsync(), s => s.Fraction > 0, "the Monte Carlo job to make progress", cancellationToken: TestContext.Current.CancellationToken);

        var watch = Stopwatch.StartNew();
        await job.CancelAsync("alice");
        var cancelled = await BacktestCluster.WaitAsync(job);
        TestContext.Current.TestOutputHelper?.WriteLine($"cancel to cancelled: {watch.ElapsedMilliseconds} ms (at {cancelled.Fraction:P1})");
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.True(cancelled.Fraction < 0.5, $"the job ran on to {cancelled.Fraction:P0} after the cancel");
        Assert.Null(await job.GetResultAsync());
        Assert.Null(await SqlBacktestResultIndex.Sqlite(Path.Combine(results, "results.db")).GetAsync(running.JobId, TestContext.Current.CancellationToken));

        var other = cluster.Client.GetGrain<IBacktestJobGrain>(queued.JobId);
        var status = await other.GetStatusAsync();
        if (status.State == JobState.Queued)
        {
            Assert.Equal(JobState.Cancelled, (await other.CancelAsync("alice")).State);
        }

        // Submitting a cancelled job again queues it again, under the same id.
        var again = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 200_000, 6300));
        Assert.Equal(running.JobId, again.JobId);
        Assert.Contains(again.State, new[] { JobState.Queued, JobState.Running });
        await job.CancelAsync("alice");
        await BacktestCluster.WaitAsync(job);
    }

    [Fact]
    public async Task The_scheduler_runs_high_priority_first_and_pushes_progress_to_subscribers()
    {
        var results = fixture.Scratch("priority");
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, results,
            new BacktestJobOptions { TickPeriod = TimeSpan.FromMilliseconds(200), MonteCarloChunkPaths = 50, MaxChunksInFlight = 1 });
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var bt = await scheduler.SubmitAsync(Backtest(Momentum));
        await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId));

        // A long job occupies the only slot; of the two that wait, the high-priority one goes next although submitted last.
        var blocker = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 300_000, 6300, user: "erin"));
        Assert.Equal(JobState.Running, blocker.State);
        var low = await scheduler.SubmitAsync(Backtest(Momentum with { Quantile = 0.25 }, JobPriority.Low, "carol"));
        var high = await scheduler.SubmitAsync(Backtest(Momentum with { Quantile = 0.3 }, JobPriority.High, "dave"));
        Assert.Equal(JobState.Queued, low.State);
        Assert.Equal(JobState.Queued, high.State);

        var seen = new ConcurrentQueue<BacktestJobStatus>();
        var observer = new Observer(seen);
        var reference = cluster.Client.CreateObjectReference<IBacktestJobObserver>(observer);
        var highJob = cluster.Client.GetGrain<IBacktestJobGrain>(high.JobId);
        await highJob.SubscribeAsync(reference);

        await cluster.Client.GetGrain<IBacktestJobGrain>(blocker.JobId).CancelAsync("erin");
        var lowDone = await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(low.JobId));
        var highDone = await BacktestCluster.WaitAsync(highJob);
        Assert.Equal(JobState.Succeeded, lowDone.State);
        Assert.True(highDone.StartedAt < lowDone.StartedAt, $"high started {highDone.StartedAt:O}, low {lowDone.StartedAt:O}");

        await Eventually.UntilAsync(() => seen.Any(s => s.State == JobState.Succeeded), "the observer to be told the job succeeded", TimeSpan.FromSeconds(30), cancellationToken: TestContext.Current.CancellationToken);

        // Observer calls are one-way messages: the client may run two that arrive close together in either order (CI saw
        // a tick's 5% before the start's 0%), so what is checked is what was pushed, not the order it was handled in.
        var states = seen.Select(s => s.State).Distinct().Order().ToList();
        Assert.Equal([JobState.Queued, JobState.Running, JobState.Succeeded], states);
        var fractions = seen.Where(s => s.State == JobState.Running).Select(s => s.Fraction).ToList();
        Assert.NotEmpty(fractions); // the start is pushed at once; how many progress ticks follow depends on the run's length
        Assert.All(fractions, f => Assert.InRange(f, 0, 1));
        Assert.Equal(1, seen.Single(s => s.State == JobState.Succeeded).Fraction);

        var listed = await scheduler.ListAsync(10);
        Assert.Equal([high.JobId, low.JobId, blocker.JobId, bt.JobId], listed.Select(s => s.JobId));
        await highJob.UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task A_walk_forward_fanned_out_over_three_silos_equals_the_in_process_run_byte_for_byte()
    {
        var results = fixture.Scratch("walk-forward");
        await using var cluster = await BacktestCluster.StartAsync(3, fixture.Layout, results, new BacktestJobOptions { TickPeriod = TimeSpan.FromMilliseconds(200) });
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var spec = new WalkForwardJobSpec(Momentum, ["momentum", "low-vol"], [0.2, 0.3], TrainSessions: 252, TestSessions: 126);
        var submitted = await scheduler.SubmitAsync(new JobSubmission(null, null, JobPriority.Normal, "alice", spec));
        Assert.StartsWith("wf-", submitted.JobId, StringComparison.Ordinal);
        var job = cluster.Client.GetGrain<IBacktestJobGrain>(submitted.JobId);
        var done = await BacktestCluster.WaitAsync(job);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        var result = (await job.GetResultAsync())!;

        var request = BacktestSpecs.ToRequest(spec);
        var plan = Research.Backtesting.Jobs.WalkForwardPlan.Load(fixture.Layout, request, result.DataVersions);
        var units = Enumerable.Range(0, plan.Units).Select(u => plan.RunUnit(u, TestContext.Current.CancellationToken)).ToList();
        var summary = plan.Summarise(units);
        Assert.Equal(ResultDocuments.Serialize(summary), result.MetricsJson);
        Assert.Equal(4, summary.FullPeriodSharpe.Count);
        Assert.True(summary.Windows.Count >= 3, $"{summary.Windows.Count} windows");
        Assert.InRange(summary.Pbo!.Value, 0, 1);
        Assert.InRange(summary.DeflatedSharpe, 0, 1);

        // The result page's reads: the windows as stored (their query once failed on DuckDB's WINDOW keyword) and the track.
        var reader = cluster.Client.GetGrain<IBacktestResultGrain>(0);
        var windows = await reader.GetWindowsAsync(submitted.JobId);
        Assert.Equal(summary.Windows.Select(w => (w.Chosen, w.InSampleMetric, w.OutOfSampleMetric)), windows.Select(w => (w.Chosen, w.InSample, w.OutOfSample)));
        Assert.Equal(Enumerable.Range(0, windows.Length), windows.Select(w => w.Window));
        Assert.Equal(summary.OutOfSample.Days, (await reader.GetViewAsync(submitted.JobId)).Dates.Length);
        Assert.Contains(result.Metrics, m => m.Key == "outOfSample.sharpe");

        // Its out-of-sample track can be resampled like a backtest's.
        var mc = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(submitted.JobId, 200), JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(mc.JobId))).State);
    }

    [Fact]
    public async Task A_user_at_their_limit_waits_while_another_users_job_starts()
    {
        var results = fixture.Scratch("per-user");
        var options = new BacktestJobOptions { MaxJobsPerSilo = 2, MaxJobsPerUser = 1, MonteCarloChunkPaths = 50, MaxChunksInFlight = 1, TickPeriod = TimeSpan.FromMilliseconds(200) };
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, results, options);
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var bt = await scheduler.SubmitAsync(Backtest(Momentum));
        await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId));

        // Long jobs (cancelled at the end): alice's first runs, her second waits for her, bob's starts beside hers.
        var alice1 = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 300_000, 6300, user: "alice"));
        var alice2 = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 300_001, 6300, user: "alice"));
        var bob = await scheduler.SubmitAsync(MonteCarlo(bt.JobId, 300_002, 6300, user: "bob"));
        Assert.Equal(JobState.Running, alice1.State);
        Assert.Equal(JobState.Queued, alice2.State);
        Assert.Equal(JobState.Running, bob.State);
        var jobs = new[] { alice1, alice2, bob }.Select(j => cluster.Client.GetGrain<IBacktestJobGrain>(j.JobId)).ToList();
        Assert.Equal(JobState.Queued, (await jobs[1].GetStatusAsync()).State);

        // When alice's first ends, her second starts.
        await jobs[0].CancelAsync("alice");
        await BacktestCluster.WaitAsync(jobs[0]);
        var second = await Eventually.UntilAsync(() => jobs[1].GetStatusAsync(), s => s.State != JobState.Queued, "alice's second job to leave the queue", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(JobState.Running, second.State);
        foreach (var job in jobs.Skip(1))
        {
            await job.CancelAsync("tests");
            await BacktestCluster.WaitAsync(job);
        }
    }

    [Fact]
    public async Task A_bad_submission_is_refused_naming_the_field()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("bad"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        Assert.Contains("strategy", (await Assert.ThrowsAsync<ArgumentException>(() => scheduler.SubmitAsync(Backtest(new BacktestJobSpec("alpha-9"))))).Message, StringComparison.Ordinal);
        Assert.Contains("priority", (await Assert.ThrowsAsync<ArgumentException>(() => scheduler.SubmitAsync(Backtest(Momentum, (JobPriority)7)))).Message, StringComparison.Ordinal);
        Assert.Contains("source job", (await Assert.ThrowsAsync<ArgumentException>(() => scheduler.SubmitAsync(MonteCarlo("bt-0000000000000000", 100)))).Message, StringComparison.Ordinal);
        Assert.Contains("quantile", (await Assert.ThrowsAsync<ArgumentException>(() => scheduler.SubmitAsync(Backtest(Momentum with { Quantile = 0.9 })))).Message, StringComparison.Ordinal);
    }

    private sealed class Observer(ConcurrentQueue<BacktestJobStatus> seen) : IBacktestJobObserver
    {
        public void OnStatusChanged(BacktestJobStatus status) => seen.Enqueue(status);
    }
}
