using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary>Options and arguments that several backtest subcommands take; each command makes its own instances.</summary>
internal static class JobOptions
{
    public static Argument<string> JobId() => new("job") { Description = "Job id (from submit or list)." };

    public static Option<JobPriority> Priority() => CliOptions.Choice("--priority", "Queue priority.", JobPriority.Normal);

    public static Option<string> User() => new("--user") { Description = "Submitting user (default: the OS user).", DefaultValueFactory = _ => Environment.UserName };

    public static Option<bool> Wait() => new("--wait") { Description = "Follow the job with a progress bar until it finishes, then print its result." };
}
