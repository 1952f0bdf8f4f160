using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest cancel JOB</c>: cancels a queued or running job and waits until it has stopped.</summary>
internal static class CancelCommand
{
    public static Command Create(CliOutput output)
    {
        var jobId = JobOptions.JobId();
        var user = JobOptions.User();
        var command = new Command("cancel", "Cancel a queued or running job.") { jobId, user, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var job = cluster.Client.GetGrain<IBacktestJobGrain>(parse.GetValue(jobId)!);
            var s = await job.CancelAsync(parse.GetValue(user)!).ConfigureAwait(false);
            while (s.State == JobState.Running)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
                s = await job.GetStatusAsync().ConfigureAwait(false);
            }

            BacktestOutput.WriteStatuses(output, parse, [s]);
            return ExitCodes.Ok;
        });
        return command;
    }
}
