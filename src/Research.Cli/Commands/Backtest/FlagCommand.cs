using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest pin|star JOB [--off]</c>: flags that keep a stored result from retention.</summary>
internal static class FlagCommand
{
    /// <summary><c>pin</c> when <paramref name="pinning"/>, else <c>star</c>.</summary>
    public static Command Create(CliOutput output, bool pinning)
    {
        var jobId = JobOptions.JobId();
        var off = new Option<bool>("--off") { Description = "Remove the flag instead of setting it." };
        var command = pinning
            ? new Command("pin", "Pin a stored result: retention never deletes it.") { jobId, off, ClusterOptions.Gateway }
            : new Command("star", "Star a stored result: retention never deletes it.") { jobId, off, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var on = !parse.GetValue(off);
            var id = parse.GetValue(jobId)!;
            var found = await cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key)
                .SetFlagsAsync(id, pinning ? on : null, pinning ? null : on).ConfigureAwait(false);
            if (!found)
            {
                throw new CliException($"No stored result {id} (only finished jobs have one).");
            }

            output.Done(parse, $"{id}: {(pinning ? "pinned" : "starred")} {(on ? "on" : "off")}", new { job = id, flag = pinning ? "pinned" : "starred", on });
            return ExitCodes.Ok;
        });
        return command;
    }
}
