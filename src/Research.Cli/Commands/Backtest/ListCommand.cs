using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest list</c>: jobs, newest first.</summary>
internal static class ListCommand
{
    public static Command Create(CliOutput output)
    {
        var limit = new Option<int>("--limit") { Description = "At most this many jobs, newest first (default 20).", DefaultValueFactory = _ => 20 }.Positive();
        var command = new Command("list", "List jobs, newest first.") { limit, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var jobs = await cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ListAsync(parse.GetValue(limit)).ConfigureAwait(false);
            BacktestOutput.WriteStatuses(output, parse, jobs);
            return ExitCodes.Ok;
        });
        return command;
    }
}
