using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest submit</c>: a backtest job on the cluster; the same spec on the same data is the same job.</summary>
internal static class SubmitCommand
{
    public static Command Create(CliOutput output)
    {
        var spec = new BacktestSpecOptions();
        var priority = JobOptions.Priority();
        var user = JobOptions.User();
        var wait = JobOptions.Wait();
        var quiet = JobOptions.Quiet();
        var command = new Command("submit", "Submit a backtest to the cluster; the same spec on the same data is the same job.") { priority, user, wait, quiet, ClusterOptions.Gateway };
        spec.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var request = spec.Request(parse);
            var submission = new JobSubmission(BacktestSpecFile.ToJobSpec(request), null, parse.GetValue(priority), parse.GetValue(user)!);
            return await JobFollowing.SubmitAsync(output, parse, submission, parse.GetValue(wait), parse.GetValue(quiet), ct).ConfigureAwait(false);
        });
        return command;
    }
}
