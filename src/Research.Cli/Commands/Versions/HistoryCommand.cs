using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions history</c>: every move of CURRENT, tag, quarantine, repair and deletion, oldest first.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliOutput output, Option<string> dataset)
    {
        var command = new Command("history", "Show a dataset's history: publishes, rollbacks, tags, quarantines, repairs, deletions (what --as-of reads).");
        command.SetAction(parse =>
        {
            var name = parse.GetValue(dataset)!;
            var layout = WarehouseOptions.Layout(parse);
            if (!Directory.Exists(Path.Combine(layout.DatasetFolder(name), "versions")))
            {
                throw new DatasetNotFoundException(name, layout.Root);
            }

            var history = new DatasetVersions(layout, TimeProvider.System).History(name);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(history);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("When (UTC)", "Action", "Version", "By", "Detail");
            foreach (var e in history)
            {
                table.AddRow(e.At.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), e.Action, e.VersionId, Markup.Escape(e.By), Markup.Escape(e.Detail ?? string.Empty));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
