using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest monte-carlo --job ID</c>: intervals for a finished backtest's metrics, computed on the cluster.</summary>
internal static class MonteCarloCommand
{
    public static Command Create(CliOutput output)
    {
        var sourceJob = new Option<string>("--job") { Description = "The finished backtest job whose daily returns to resample.", Required = true };
        var paths = new Option<int>("--paths") { Description = "Number of paths (default 1,000).", DefaultValueFactory = _ => 1000 }.Positive();
        var method = CliOptions.Choice("--method", "bootstrap: stationary blocks; trades: whole holding periods between the strategy's trade dates; shuffle: the days reordered (drawdowns only: Sharpe does not change).", MonteCarloMethod.Bootstrap);
        var block = new Option<double>("--mean-block") { Description = "Mean block length in sessions (bootstrap; default 20).", DefaultValueFactory = _ => 20 }.Within(1, 1_000_000);
        var length = new Option<int?>("--length") { Description = "Sessions per path (default: the source's length)." }.Positive();
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 1); paths depend only on (seed, path index).", DefaultValueFactory = _ => 1UL };
        var confidence = new Option<double>("--confidence") { Description = "Interval level (default 0.95).", DefaultValueFactory = _ => 0.95 }.Within(0.5, 0.9999);
        var priority = JobOptions.Priority();
        var user = JobOptions.User();
        var wait = JobOptions.Wait();
        var quiet = JobOptions.Quiet();
        var command = new Command("monte-carlo", "Monte Carlo of a finished backtest job on the cluster: intervals for Sharpe, CAGR, max drawdown, terminal wealth.")
        {
            sourceJob, paths, method, block, length, seed, confidence, priority, user, wait, quiet, ClusterOptions.Gateway,
        };
        command.SetAction(async (parse, ct) =>
        {
            var mc = new MonteCarloJobSpec(parse.GetValue(sourceJob)!, parse.GetValue(paths), parse.GetValue(method), parse.GetValue(block), parse.GetValue(length), parse.GetValue(seed), parse.GetValue(confidence));
            return await JobFollowing.SubmitAsync(output, parse, new JobSubmission(null, mc, parse.GetValue(priority), parse.GetValue(user)!), parse.GetValue(wait), parse.GetValue(quiet), ct).ConfigureAwait(false);
        });
        return command;
    }
}
