using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research versions list|show|tag|rollback|gc</c>.</summary>
public static class VersionsCommand
{
    public static Command Create(CliOutput output)
    {
        var versions = new Command("versions", "Dataset versions: list, show, tag, rollback, garbage collection.");
        var dataset = new Option<string>("--dataset") { Description = "Dataset name, e.g. crsp/daily.", Required = true, Recursive = true };
        versions.Options.Add(dataset);
        var by = Environment.UserName;

        var list = new Command("list", "List the versions of a dataset (current, tags, status).");
        list.SetAction(parse =>
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

        var show = new Command("show", "Show one version's manifest (default: the current one).");
        var selector = new WarehouseOptions();
        selector.AddTo(show);
        show.SetAction(parse =>
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

        var tagName = new Argument<string>("tag") { Description = "Tag name, e.g. paper-2025." };
        var tagVersion = new Option<string?>("--version") { Description = "Version to tag (default: the current one)." };
        var tag = new Command("tag", "Tag a version (tagged versions are never garbage-collected).") { tagName, tagVersion };
        tag.SetAction(async (parse, ct) =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var name = parse.GetValue(dataset)!;
            var store = new DatasetVersions(layout, TimeProvider.System);
            var version = parse.GetValue(tagVersion) ?? store.Resolve(name, VersionSelector.Current).VersionId;
            await store.TagAsync(name, parse.GetValue(tagName)!, version, by, ct).ConfigureAwait(false);
            output.Out.WriteLine($"{name}: tagged {version} as '{parse.GetValue(tagName)}'");
            return ExitCodes.Ok;
        });

        var rollbackVersion = new Option<string>("--to") { Description = "Version to make current.", Required = true };
        var rollback = new Command("rollback", "Make an earlier published version current again.") { rollbackVersion };
        rollback.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(dataset)!;
            var manifest = await new DatasetVersions(WarehouseOptions.Layout(parse), TimeProvider.System).RollbackAsync(name, parse.GetValue(rollbackVersion)!, by, ct).ConfigureAwait(false);
            output.Out.WriteLine($"{name}: CURRENT -> {manifest.VersionId}");
            return ExitCodes.Ok;
        });

        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what would be deleted." };
        var gc = new Command("gc", "Delete versions that are not current, tagged or pinned by a stored result.") { dryRun };
        gc.SetAction(parse =>
        {
            var result = new DatasetVersions(WarehouseOptions.Layout(parse), TimeProvider.System).CollectGarbage(parse.GetValue(dataset)!, parse.GetValue(dryRun), by);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"{result.Dataset}: {(result.DryRun ? "would delete" : "deleted")} {result.Deleted.Count} version(s) ({result.BytesFreed:N0} bytes); kept {string.Join(", ", result.Kept)}");
            return ExitCodes.Ok;
        });

        versions.Subcommands.Add(list);
        versions.Subcommands.Add(show);
        versions.Subcommands.Add(tag);
        versions.Subcommands.Add(rollback);
        versions.Subcommands.Add(gc);
        return versions;
    }
}
