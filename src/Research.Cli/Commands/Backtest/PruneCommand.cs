using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest prune</c>: the retention policy (old, beyond the newest N, neither pinned nor starred).</summary>
internal static class PruneCommand
{
    public static Command Create(CliOutput output)
    {
        var keep = new Option<int>("--keep") { Description = "Keep the newest N results whatever their age (default 100).", DefaultValueFactory = _ => 100 }.NonNegative();
        var maxAge = new Option<int>("--max-age-days") { Description = "Keep results younger than this (default 90).", DefaultValueFactory = _ => 90 }.NonNegative();
        var command = new Command("prune", "Apply the retention policy: delete results that are old, beyond the newest N, and neither pinned nor starred.") { keep, maxAge, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var report = await cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ApplyRetentionAsync(parse.GetValue(keep), parse.GetValue(maxAge)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(report);
            }
            else
            {
                output.Out.WriteLine($"deleted {report.Deleted.Count} result(s){(report.Deleted.Count > 0 ? ": " + string.Join(", ", report.Deleted) : string.Empty)}; kept {report.KeptPinnedOrStarred} pinned or starred and {report.KeptRecent} recent");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
