using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions list</c>: list the versions of a dataset (current, tags, status).</summary>
internal static class ListCommand
{
    public static Command Create(CliOutput output, Option<string> dataset)
    {
        var command = new Command("list", "List the versions of a dataset (current, tags, status).");
        command.SetAction(parse =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var name = parse.GetValue(dataset)!;
            var store = new DatasetVersions(layout, TimeProvider.System);
            var all = store.List(name);
            var current = new WarehouseCatalog(layout).ReadCurrent(name)?.VersionId;
            var tags = store.Tags(name);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(all.Select(v => new { v.VersionId, v.PublishedAt, v.Status, v.Rows, v.Bytes, Current = v.VersionId == current, Tags = tags.Where(t => t.Value == v.VersionId).Select(t => t.Key), v.Source }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Version", "Published (UTC)", "Status", "Rows", "Tags", "");
            foreach (var v in all)
            {
                table.AddRow(v.VersionId, v.PublishedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), v.Status,
                    v.Rows.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", tags.Where(t => t.Value == v.VersionId).Select(t => t.Key))),
                    v.VersionId == current ? "CURRENT" : string.Empty);
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
