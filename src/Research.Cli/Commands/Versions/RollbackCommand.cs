using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions rollback</c>: make an earlier published version current again.</summary>
internal static class RollbackCommand
{
    public static Command Create(CliOutput output, Option<string> dataset)
    {
        var rollbackVersion = new Option<string>("--to") { Description = "Version to make current.", Required = true };
        var command = new Command("rollback", "Make an earlier published version current again.") { rollbackVersion };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(dataset)!;
            var manifest = await new DatasetVersions(WarehouseOptions.Layout(parse), TimeProvider.System).RollbackAsync(name, parse.GetValue(rollbackVersion)!, Environment.UserName, ct).ConfigureAwait(false);
            output.Done(parse, $"{name}: CURRENT -> {manifest.VersionId}", new { dataset = name, current = manifest.VersionId });
            return ExitCodes.Ok;
        });
        return command;
    }
}
