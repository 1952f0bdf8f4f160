using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench ...</c>: benchmarks with a baseline measured in the same run, printed as ratios (results go to
/// docs/PERFORMANCE.md). One file per suite in this folder; <see cref="BenchTiming"/> is their shared timer.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliOutput output)
    {
        var bench = new Command("bench", "Benchmarks with same-run baselines (results go to docs/PERFORMANCE.md).");
        bench.Subcommands.Add(WarehouseBenchmark.Create(output));
        bench.Subcommands.Add(WrdsBenchmark.Create(output));
        bench.Subcommands.Add(OptimizerBenchmark.Create(output));
        bench.Subcommands.Add(RiskBenchmark.Create(output));
        bench.Subcommands.Add(BacktestBenchmark.Create(output));
        bench.Subcommands.Add(FetchBenchmark.Create(output));
        bench.Subcommands.Add(AlphaBenchmark.Create(output));
        bench.Subcommands.Add(TaxBenchmark.Create(output));
        bench.Subcommands.Add(TaqBenchmark.Create(output));
        return bench;
    }
}
