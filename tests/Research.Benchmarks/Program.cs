using System.Diagnostics;
using System.Globalization;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Benchmarks;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;

// Monte Carlo fan-out: N paths of D days from a 25-year buy-and-hold backtest, computed in process (no Orleans, the
// baseline) and as a cluster job on 1 and on 3 silos in this process, each measured from submit to finished.
var args2 = args.Length > 0 ? args : ["montecarlo"];
if (args2[0] == "console-load")
{
    return await Research.Benchmarks.ConsoleLoad.RunAsync(args2);
}

if (args2[0] == "signals")
{
    return await Research.Benchmarks.SignalSweepBenchmark.RunAsync(args2);
}

if (args2[0] == "trading")
{
    return await Research.Benchmarks.TradingBenchmark.RunAsync(args2);
}

if (args2[0] == "alerts")
{
    return await Research.Benchmarks.AlertBenchmark.RunAsync(args2);
}

if (args2[0] != "montecarlo")
{
    Console.Error.WriteLine("usage: Research.Benchmarks montecarlo [--paths N] [--days D] [--repeats R]");
    Console.Error.WriteLine("       Research.Benchmarks signals [--repeats R]");
    Console.Error.WriteLine("       Research.Benchmarks trading [--orders N]");
    Console.Error.WriteLine("       Research.Benchmarks alerts [--alerts N]");
    Console.Error.WriteLine("       Research.Benchmarks console-load --url URL --data-root DIR [--users 50] [--seconds 60] [--pages /system-health,/backtests]");
    return 2;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args2, name);
    return i >= 0 && i + 1 < args2.Length ? int.Parse(args2[i + 1], CultureInfo.InvariantCulture) : fallback;
}

var paths = Arg("--paths", 10_000);
var days = Arg("--days", 6_300);
var repeats = Arg("--repeats", 3);
var root = Directory.CreateTempSubdirectory("research-bench-mc-").FullName;
try
{
    var layout = new WarehouseLayout(Path.Combine(root, "warehouse"));
    var watch = Stopwatch.StartNew();
    var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 100, Years = 26, EndYear = 2024, Seed = 11, IntradaySymbols = 0 });
    foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting", "famafrench/factors_daily" })
    {
        await new SyncManager(layout, TimeProvider.System).SyncAsync(dataset, SyncMode.Full, source, "bench");
    }

    Console.WriteLine($"market: 100 stocks x 26 years synced in {watch.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores");
    var results = new List<(string Setup, double Seconds)>();
    double[]? returns = null;
    foreach (var silos in Arg("--three-first", 0) == 1 ? new[] { 3, 1 } : new[] { 1, 3 })
    {
        var resultRoot = Path.Combine(root, $"silos{silos}");
        var cluster = await BenchCluster.StartAsync(silos, layout, resultRoot);
        try
        {
            var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
            var bt = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("buy-and-hold", From: new DateOnly(1999, 1, 4)), null, JobPriority.Normal, "bench"));
            await BenchCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId));
            if (returns is null)
            {
                returns = (await new BacktestSeriesStore(Path.Combine(resultRoot, "series")).ReadDailyReturnsAsync(bt.JobId)).Returns;
                Console.WriteLine($"source: {returns.Length} daily returns");
                for (var r = 0; r < repeats; r++)
                {
                    var spec = new MonteCarloSpec { Paths = paths, Length = days, Seed = (ulong)(100 + r) };
                    var inProcess = Stopwatch.StartNew();
                    MonteCarloSimulator.SimulateChunk(returns, spec, 0, paths);
                    results.Add(("in process (no Orleans)", inProcess.Elapsed.TotalSeconds));
                }
            }

            for (var r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                var mc = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(bt.JobId, paths, Length: days, Seed: (ulong)(100 + r)), JobPriority.Normal, "bench"));
                await BenchCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(mc.JobId));
                results.Add(($"{silos} silo(s), job submit to finished", clock.Elapsed.TotalSeconds));
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    Console.WriteLine($"{paths:N0} paths x {days:N0} days, {repeats} runs each (median):");
    var baseline = BenchCluster.Median(results.Where(r => r.Setup.StartsWith("in process", StringComparison.Ordinal)).Select(r => r.Seconds));
    foreach (var group in results.GroupBy(r => r.Setup))
    {
        var median = BenchCluster.Median(group.Select(r => r.Seconds));
        Console.WriteLine($"  {group.Key,-40} {median,7:F2} s   x{median / baseline:F2} of in process   runs: {string.Join(", ", group.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))}");
    }

    return 0;
}
finally
{
    Directory.Delete(root, recursive: true);
}
