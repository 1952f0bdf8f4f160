using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Versions;

/// <summary><c>research versions tag</c>: tag a version (tagged versions are never garbage-collected).</summary>
internal static class TagCommand
{
    public static Command Create(CliOutput output, Option<string> dataset)
    {
        var tagName = new Argument<string>("tag") { Description = "Tag name, e.g. paper-2025." };
        var tagVersion = new Option<string?>("--version") { Description = "Version to tag (default: the current one)." };
        var command = new Command("tag", "Tag a version (tagged versions are never garbage-collected).") { tagName, tagVersion };
        command.SetAction(async (parse, ct) =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var name = parse.GetValue(dataset)!;
            var store = new DatasetVersions(layout, TimeProvider.System);
            var version = parse.GetValue(tagVersion) ?? store.Resolve(name, VersionSelector.Current).VersionId;
            await store.TagAsync(name, parse.GetValue(tagName)!, version, Environment.UserName, ct).ConfigureAwait(false);
            output.Done(parse, $"{name}: tagged {version} as '{parse.GetValue(tagName)}'", new { dataset = name, version, tag = parse.GetValue(tagName) });
            return ExitCodes.Ok;
        });
        return command;
    }
}
