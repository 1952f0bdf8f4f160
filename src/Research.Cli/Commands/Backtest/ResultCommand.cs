using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest result JOB</c>: a finished job's metrics, data versions and stored series.</summary>
internal static class ResultCommand
{
    public static Command Create(CliOutput output)
    {
        var jobId = JobOptions.JobId();
        var command = new Command("result", "Print a finished job's metrics, data versions and where its series are stored.") { jobId, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var job = cluster.Client.GetGrain<IBacktestJobGrain>(parse.GetValue(jobId)!);
            var r = await job.GetResultAsync().ConfigureAwait(false);
            if (r is null)
            {
                var s = await job.GetStatusAsync().ConfigureAwait(false);
                throw new CliException(s.State switch
                {
                    JobState.None => $"No job {s.JobId}.",
                    JobState.Succeeded => $"Job {s.JobId} succeeded, but its stored result was deleted by retention; submit the same spec again to recompute it.",
                    _ => $"Job {s.JobId} has no result: it is {s.State}{(s.Error is null ? string.Empty : $" ({s.Error})")}.",
                });
            }

            BacktestOutput.WriteResult(output, parse, r);
            return ExitCodes.Ok;
        });
        return command;
    }
}
