using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Backtest;

/// <summary>
/// <c>research backtest ...</c>: <c>run</c> executes in this process; the others go through the cluster (start it with
/// <c>research up</c>), where jobs are queued, deduplicated by spec and data versions, stored and resumable. One file
/// per subcommand in this folder; shared pieces: <see cref="BacktestSpecOptions"/>, <see cref="JobOptions"/>,
/// <see cref="JobFollowing"/>, <see cref="BacktestOutput"/>.
/// </summary>
public static class BacktestCommand
{
    public static Command Create(CliOutput output)
    {
        var backtest = new Command("backtest", "Backtests: run one in this process, or submit jobs to the cluster and follow them.");
        foreach (var command in new[]
        {
            RunCommand.Create(output), SubmitCommand.Create(output), StatusCommand.Create(output), ResultCommand.Create(output),
            CancelCommand.Create(output), ListCommand.Create(output), MonteCarloCommand.Create(output), WalkForwardCommand.Create(output),
            FlagCommand.Create(output, pinning: true), FlagCommand.Create(output, pinning: false), PruneCommand.Create(output), GoldenCommand.Create(output),
        })
        {
            backtest.Subcommands.Add(command);
        }

        return backtest;
    }
}
