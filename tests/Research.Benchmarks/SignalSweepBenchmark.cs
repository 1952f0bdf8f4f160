using System.Diagnostics;
using System.Globalization;
using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Results;
using Research.Backtesting.Signals;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;

namespace Research.Benchmarks;

/// <summary>
/// 200 signal variants (a 5 x 2 x 5 x 4 grid) over five years of a 500-stock synthetic market: evaluated in process, one
/// unit after another (the baseline: the same library calls without Orleans), and as a signal-sweep job on 1 and on 3
/// silos in this process, each from submit to finished. The three results must be the same bytes.
/// </summary>
public static class SignalSweepBenchmark
{
    private const string Grid = """
        {"name": "bench", "terms": [
          {"descriptor": ["momentum_12_1", "reversal_21", "low_vol", "log_size", "beta"], "weight": [0.5, 1], "transforms": ["zscore"]},
          {"descriptor": ["momentum_12_1", "reversal_21", "low_vol", "log_size", "beta"], "transforms": ["zscore"]}],
         "post": [["zscore"], ["rank"], ["winsorize:0.01", "zscore"], ["neutralize:industry", "zscore"]]}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var repeats = args.Length > 2 && args[1] == "--repeats" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var root = Directory.CreateTempSubdirectory("research-bench-signals-").FullName;
        try
        {
            var layout = new WarehouseLayout(Path.Combine(root, "warehouse"));
            var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 500, Years = 6, EndYear = 2024, Seed = 5, IntradaySymbols = 0 });
            foreach (var dataset in new[] { "crsp/daily", "crsp/names" })
            {
                await new SyncManager(layout, TimeProvider.System).SyncAsync(dataset, SyncMode.Full, source, "bench");
            }

            var variants = SignalGrid.Expand(Grid, "bench grid");
            var spec = new SignalSweepJobSpec([.. variants.Select(v => v.CanonicalJson())], new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), Every: 5, Horizons: [1, 5, 21], Name: "bench", Question: "bench");
            var request = BacktestSpecs.ToRequest(spec);
            var versions = SignalSweepPlan.CurrentVersions(layout, request);
            Console.WriteLine($"{variants.Count} variants, 500 stocks, signal dates every 5 sessions 2020-2024, horizons 1/5/21; {Environment.ProcessorCount} cores");
            var results = new List<(string Setup, double Seconds, string Sha)>();
            for (var r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                var plan = SignalSweepPlan.Load(layout, request, versions);
                var all = Enumerable.Range(0, plan.Units).SelectMany(u => plan.RunUnit(u)).ToList();
                var summary = SignalSweepSummary.Of(request, all);
                results.Add(("in process (no Orleans)", clock.Elapsed.TotalSeconds, ResultDocuments.Sha256(ResultDocuments.Serialize(summary))));
            }

            foreach (var silos in new[] { 1, 3 })
            {
                for (var r = 0; r < repeats; r++)
                {
                    var resultRoot = Path.Combine(root, $"silos{silos}-{r}");
                    var cluster = await BenchCluster.StartAsync(silos, layout, resultRoot, new BacktestJobOptions { ChunkTimeout = TimeSpan.FromMinutes(10) });
                    try
                    {
                        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
                        var clock = Stopwatch.StartNew();
                        var job = await scheduler.SubmitAsync(new JobSubmission(null, null, JobPriority.Normal, "bench", SignalSweep: spec));
                        var grain = cluster.Client.GetGrain<IBacktestJobGrain>(job.JobId);
                        await BenchCluster.WaitAsync(grain);
                        results.Add(($"{silos} silo(s), job submit to finished", clock.Elapsed.TotalSeconds, (await grain.GetResultAsync())!.MetricsSha256));
                    }
                    finally
                    {
                        await cluster.DisposeAsync();
                    }
                }
            }

            var baseline = BenchCluster.Median(results.Where(r => r.Setup.StartsWith("in process", StringComparison.Ordinal)).Select(r => r.Seconds));
            foreach (var group in results.GroupBy(r => r.Setup))
            {
                var median = BenchCluster.Median(group.Select(r => r.Seconds));
                Console.WriteLine($"  {group.Key,-40} {median,7:F2} s   x{median / baseline:F2} of in process   runs: {string.Join(", ", group.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))}");
            }

            var hashes = results.Select(r => r.Sha).Distinct().ToList();
            Console.WriteLine(hashes.Count == 1 ? $"  every setup gave the same metrics document (sha256 {hashes[0][..16]}...)" : $"  RESULTS DIFFER: {string.Join(", ", hashes)}");
            return hashes.Count == 1 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
