using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Platform;

/// <summary><c>research up</c> and <c>research status</c>: run and inspect the local platform (silo and console); one file per command in this folder.</summary>
public static class PlatformCommands
{
    public static IEnumerable<Command> Create(CliOutput output)
    {
        yield return UpCommand.Create(output);
        yield return StatusCommand.Create(output);
        yield return HealthCommand.Create(output);
    }
}
