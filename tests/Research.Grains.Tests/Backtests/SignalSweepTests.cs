using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Results;
using Research.Backtesting.Signals;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;
using Research.Platform.Storage.Alpha;

namespace Research.Grains.Tests.Backtests;

/// <summary>Signal sweeps as cluster jobs: the same bytes on one and three silos, each variant what an in-process evaluation gives, every variant a trial once.</summary>
public sealed class SignalSweepTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    /// <summary>2 x 2 x 2 x 3 = 24 variants: three units of eight.</summary>
    private const string Grid = """
        {"name": "grid", "description": "a test grid",
         "terms": [{"descriptor": ["momentum_12_1", "reversal_21"], "weight": [0.5, 1], "transforms": [["zscore"], ["winsorize:0.05", "zscore"]]},
                   {"descriptor": ["low_vol", "log_size", "beta"]}]}
        """;

    [Fact]
    public async Task A_sweep_gives_the_same_bytes_on_one_and_three_silos_each_variant_as_evaluated_alone_and_records_every_variant_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var variants = SignalGrid.Expand(Grid, "grid.json");
        Assert.Equal(24, variants.Count);
        Assert.Equal("grid_01", variants[0].Name);
        Assert.Equal("terms[0].descriptor=\"momentum_12_1\", terms[0].weight=0.5, terms[0].transforms=[\"zscore\"], terms[1].descriptor=\"low_vol\"", variants[0].Description[("a test grid; ".Length)..]);
        Assert.Equal("reversal_21", variants[12].Terms[0].Descriptor); // the first choice point varies slowest
        var spec = new SignalSweepJobSpec([.. variants.Select(v => v.CanonicalJson())], new DateOnly(2023, 1, 3), new DateOnly(2024, 6, 28), Every: 10, Horizons: [1, 5], Name: "grid", Question: "sweep test");

        async Task<(BacktestJobResult Result, string Root, BacktestJobStatus Status)> RunAsync(int silos)
        {
            var root = fixture.Scratch($"sweep{silos}");
            await using var cluster = await BacktestCluster.StartAsync(silos, fixture.Layout, root, new BacktestJobOptions { MaxChunksInFlight = 3 });
            var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
            var submitted = await scheduler.SubmitAsync(new JobSubmission(null, null, JobPriority.Normal, "alice", SignalSweep: spec));
            Assert.StartsWith("sg-", submitted.JobId, StringComparison.Ordinal);
            Assert.Equal("signal sweep grid (24 variants)", submitted.Label);
            var job = cluster.Client.GetGrain<IBacktestJobGrain>(submitted.JobId);
            var done = await BacktestCluster.WaitAsync(job);
            Assert.True(done.State == JobState.Succeeded, done.Error);
            return ((await job.GetResultAsync())!, root, done);
        }

        var one = await RunAsync(1);
        var three = await RunAsync(3);
        Assert.Equal(one.Result.JobId, three.Result.JobId);
        Assert.Equal(one.Result.MetricsJson, three.Result.MetricsJson);
        Assert.Equal(one.Result.SeriesSha256, three.Result.SeriesSha256);
        Assert.Equal(JobKind.SignalSweep, one.Result.Kind);
        Assert.Contains(one.Result.Metrics, m => m.Key == "variants" && m.Value == 24);

        // Each variant is what evaluating it alone gives (the plan's report, as research alpha evaluate computes it).
        var summary = ResultDocuments.Deserialize<SignalSweepSummary>(one.Result.MetricsJson);
        var plan = SignalSweepPlan.Load(fixture.Layout, BacktestSpecs.ToRequest(spec), one.Result.DataVersions, ct);
        foreach (var k in new[] { 0, 13, 23 })
        {
            var alone = plan.Report(variants[k], ct);
            Assert.Equal(alone.Horizons.Select(h => (h.RankIcSummary, h.IcSummary, h.Spread)), summary.Variants[k].Horizons.Select(h => (h.RankIc, h.Ic, h.Spread)));
        }

        Assert.Equal(Enumerable.Range(0, 24), summary.Variants.Select(v => v.Index));
        Assert.All(summary.Variants, v => Assert.Null(v.Error));
        Assert.All(summary.Holm.Zip(summary.Variants), p => Assert.True(p.First >= p.Second.PValue));

        // Every variant is a trial in the sweep's question, once, although the result was recorded on two clusters
        // (each with its own ledger here) and a resumed job records again.
        var ledger = AlphaLedger.Sqlite(one.Root);
        var trials = await ledger.TrialsAsync("sweep test", ct);
        Assert.Equal(24, trials.Count);
        Assert.Equal(variants.Select(v => v.Sha256), trials.OrderBy(t => int.Parse(t.Signal["grid_".Length..t.Signal.IndexOf('@', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).Select(t => t.DefinitionSha256));
        Assert.All(trials, t => Assert.Equal("alice", t.RequestedBy));
        var again = SignalSweepTrials.Of(one.Result.JobId, "sweep test", "alice", BacktestSpecs.ToRequest(spec), one.Result.DataVersions, summary, DateTimeOffset.UnixEpoch);
        await ledger.RecordOnceAsync(again, ct);
        Assert.Equal(24, (await ledger.TrialsAsync("sweep test", ct)).Count);
    }

    [Fact]
    public void A_grid_names_its_bad_variant_and_refuses_too_many()
    {
        var bad = Assert.Throws<FormatException>(() => SignalGrid.Expand("""{"name": "g", "terms": [{"descriptor": ["momentum_12_1", "nonsense"]}]}""", "g.json"));
        Assert.Contains("g.json variant 2 (g_2): terms[0]: unknown descriptor 'nonsense'", bad.Message, StringComparison.Ordinal);
        var many = Assert.Throws<FormatException>(() => SignalGrid.Expand(
            """{"name": "g", "terms": [{"descriptor": "log_size", "weight": [1,2,3,4,5,6,7,8,9,10,11,12,13]}, {"descriptor": "beta", "weight": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}, {"descriptor": "low_vol", "weight": [1,2,3,4,5,6,7,8,9,10]}]}""", "g.json"));
        Assert.Contains("the grid has 2,080 variants; at most 2,000", many.Message, StringComparison.Ordinal);
        Assert.Contains("an empty list of choices", Assert.Throws<FormatException>(() => SignalGrid.Expand("""{"name": "g", "terms": [{"descriptor": []}]}""", "g.json")).Message, StringComparison.Ordinal);
    }
}
