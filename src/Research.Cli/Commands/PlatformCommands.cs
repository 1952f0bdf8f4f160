using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands;

/// <summary>Commands that run or inspect the local platform (silo and console).</summary>
public static class PlatformCommands
{
    public static IEnumerable<Command> Create(CliOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return [];
    }
}
