using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest status JOB</c>: a job's state and progress; exits 1 when the job failed.</summary>
internal static class StatusCommand
{
    public static Command Create(CliOutput output)
    {
        var jobId = JobOptions.JobId();
        var command = new Command("status", "Show a job's state and progress.") { jobId, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var s = await cluster.Client.GetGrain<IBacktestJobGrain>(parse.GetValue(jobId)!).GetStatusAsync().ConfigureAwait(false);
            if (s.State == JobState.None)
            {
                throw new CliException($"No job {s.JobId} (list them with 'research backtest list').");
            }

            BacktestOutput.WriteStatuses(output, parse, [s]);
            return s.State == JobState.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }
}
