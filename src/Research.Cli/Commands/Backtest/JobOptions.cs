using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary>Options and arguments that several backtest subcommands take; each command makes its own instances.</summary>
internal static class JobOptions
{
    public static Argument<string> JobId() => new("job") { Description = "Job id (from submit or list)." };

    public static Option<JobPriority> Priority() => CliOptions.Choice("--priority", "Queue priority.", JobPriority.Normal);

    /// <summary>The owner a CLI job gets without <c>--user</c>: marked as the CLI's, so the console's job list tells it from its users' jobs.</summary>
    public static string CliUser => $"cli:{Environment.UserName}";

    public static Option<string> User() => new("--user") { Description = "Who the job is for: a console user name (their job limit and ownership apply), default cli:<OS user>.", DefaultValueFactory = _ => CliUser };

    public static Option<bool> Wait() => new("--wait") { Description = "Follow the job with a progress bar until it finishes, then print its result." };

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "Print only the job id (for scripts: job=$(research backtest submit ... -q)); with --wait, once the job succeeded." };
}
