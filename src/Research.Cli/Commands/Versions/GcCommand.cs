using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions gc</c>: delete versions that are not current, tagged or pinned by a stored result.</summary>
internal static class GcCommand
{
    public static Command Create(CliOutput output, Option<string> dataset)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what would be deleted." };
        var command = new Command("gc", "Delete versions that are not current, tagged or pinned by a stored result, and what stopped writers left.") { dryRun };
        command.SetAction(parse =>
        {
            var result = new DatasetVersions(WarehouseOptions.Layout(parse), TimeProvider.System).CollectGarbage(parse.GetValue(dataset)!, parse.GetValue(dryRun), Environment.UserName);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"{result.Dataset}: {(result.DryRun ? "would delete" : "deleted")} {result.Deleted.Count} version(s) and {result.Leftovers.Count} folder(s) left by stopped writers ({result.BytesFreed:N0} bytes); kept {string.Join(", ", result.Kept)}");
            foreach (var leftover in result.Leftovers)
            {
                output.Out.WriteLine($"  {(result.DryRun ? "would remove" : "removed")} {leftover}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
