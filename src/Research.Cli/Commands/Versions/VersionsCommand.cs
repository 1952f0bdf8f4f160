using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions list|show|history|tag|rollback|gc</c>.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class VersionsCommand
{
    public static Command Create(CliOutput output)
    {
        var versions = new Command("versions", "Dataset versions: list, show, history, tag, rollback, garbage collection.");
        var dataset = new Option<string>("--dataset") { Description = "Dataset name, e.g. crsp/daily.", Required = true, Recursive = true };
        versions.Options.Add(dataset);
        versions.Subcommands.Add(ListCommand.Create(output, dataset));
        versions.Subcommands.Add(ShowCommand.Create(output, dataset));
        versions.Subcommands.Add(HistoryCommand.Create(output, dataset));
        versions.Subcommands.Add(TagCommand.Create(output, dataset));
        versions.Subcommands.Add(RollbackCommand.Create(output, dataset));
        versions.Subcommands.Add(GcCommand.Create(output, dataset));
        return versions;
    }

}
