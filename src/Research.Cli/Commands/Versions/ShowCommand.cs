using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions show</c>: show one version's manifest (default: the current one).</summary>
internal static class ShowCommand
{
    public static Command Create(CliOutput output, Option<string> dataset)
    {
        var command = new Command("show", "Show one version's manifest (default: the current one).");
        var selector = new WarehouseOptions();
        selector.AddTo(command);
        command.SetAction(parse =>
        {
            var manifest = new DatasetVersions(WarehouseOptions.Layout(parse), TimeProvider.System).Resolve(parse.GetValue(dataset)!, selector.Selector(parse));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(manifest);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"{manifest.Dataset} {manifest.VersionId} ({manifest.Status}), published {manifest.PublishedAt:yyyy-MM-dd HH:mm:ss} UTC by {manifest.PublishedBy}");
            output.Out.WriteLine($"source: {manifest.Source}; parent: {manifest.ParentVersion ?? "none"}; {manifest.Rows:N0} rows in {manifest.Files.Count} file(s)");
            var table = new Table().AddColumns("File", "Rows", "Bytes", "SHA-256");
            foreach (var f in manifest.Files)
            {
                table.AddRow(Markup.Escape(f.Path), f.Rows.ToString("N0", CultureInfo.InvariantCulture), f.Bytes.ToString("N0", CultureInfo.InvariantCulture), f.Sha256[..16] + "...");
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
