using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Wrds;

/// <summary>
/// <c>research wrds check</c>: log in, detect the CRSP format, check every table a sync reads and show the planner's
/// size estimates; <c>research wrds fake-load</c>: a WRDS-shaped PostgreSQL database from the synthetic market (tests, demos).
/// </summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class WrdsCommand
{
    public static Command Create(CliOutput output)
    {
        var wrds = new Command("wrds", "WRDS (PostgreSQL) helpers.");
        wrds.Subcommands.Add(FakeLoadCommand.Create(output));
        wrds.Subcommands.Add(CheckCommand.Create(output));
        return wrds;
    }

}
