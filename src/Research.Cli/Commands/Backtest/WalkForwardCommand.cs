using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest walk-forward --spec FILE</c>: walk-forward optimisation fanned out across the cluster.</summary>
internal static class WalkForwardCommand
{
    public static Command Create(CliOutput output)
    {
        var spec = new Option<string>("--spec") { Description = "JSON spec: strategies, quantiles, train_sessions, test_sessions, expanding, metric, plus from, to, execution, capital, costs.", Required = true };
        var priority = JobOptions.Priority();
        var user = JobOptions.User();
        var wait = JobOptions.Wait();
        var quiet = JobOptions.Quiet();
        var command = new Command("walk-forward", "Walk-forward optimisation on the cluster: windows fanned out across silos, stitched out-of-sample track, efficiency, stability, PBO and deflated Sharpe.")
        {
            spec, priority, user, wait, quiet, ClusterOptions.Gateway,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = BacktestSpecFile.ReadWalkForward(parse.GetValue(spec)!);
            var submission = new JobSubmission(null, null, parse.GetValue(priority), parse.GetValue(user)!, BacktestSpecFile.ToJobSpec(request));
            return await JobFollowing.SubmitAsync(output, parse, submission, parse.GetValue(wait), parse.GetValue(quiet), ct).ConfigureAwait(false);
        });
        return command;
    }
}
