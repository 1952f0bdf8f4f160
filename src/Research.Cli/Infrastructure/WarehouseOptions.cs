using System.CommandLine;
using System.Globalization;
using Research.Data.Warehouse;

namespace Research.Cli.Infrastructure;

/// <summary>Options that pick a version: <c>--version</c>, <c>--tag</c> or <c>--as-of</c>.</summary>
internal sealed class WarehouseOptions
{
    public Option<string?> Version { get; } = new("--version") { Description = "Read this version id." };

    public Option<string?> Tag { get; } = new("--tag") { Description = "Read the version with this tag." };

    public Option<string?> AsOf { get; } = new("--as-of") { Description = "Read the versions current at this time (ISO 8601, e.g. 2025-06-30T18:00:00Z)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Version);
        command.Options.Add(Tag);
        command.Options.Add(AsOf);
    }

    public VersionSelector Selector(ParseResult parse)
    {
        var version = parse.GetValue(Version);
        var tag = parse.GetValue(Tag);
        var asOf = parse.GetValue(AsOf);
        if (new[] { version, tag, asOf }.Count(v => v is not null) > 1)
        {
            throw new CliException("Give at most one of --version, --tag and --as-of.");
        }

        if (asOf is not null)
        {
            return DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? VersionSelector.AsOfTime(at)
                : throw new CliException($"--as-of: '{asOf}' is not a time (use ISO 8601, e.g. 2025-06-30T18:00:00Z).");
        }

        return version is not null ? VersionSelector.Version(version) : tag is not null ? VersionSelector.Tagged(tag) : VersionSelector.Current;
    }

    public static WarehouseLayout Layout(ParseResult parse) => new(CliConfiguration.DataRoot(CliConfiguration.Build(parse)));

    /// <summary>
    /// Opens a pinned read session over <paramref name="datasets"/>, or fails in one line naming the datasets that are
    /// missing and the sync command (<paramref name="syncHint"/>) that brings them.
    /// </summary>
    public static WarehouseQuerySession OpenDatasets(ParseResult parse, IReadOnlyList<string> datasets, string syncHint, VersionSelector? selector = null, QueryLimits? limits = null)
    {
        var layout = Layout(parse);
        var catalog = new WarehouseCatalog(layout);
        var missing = datasets.Where(d => catalog.ReadCurrent(d) is null).ToList();
        if (missing.Count > 0)
        {
            throw new CliException($"{string.Join(", ", missing)} not in the warehouse at {layout.Root}: run {syncHint}.");
        }

        return WarehouseQuerySession.Open(layout, selector ?? VersionSelector.Current, limits ?? QueryLimits.Default, TimeProvider.System, datasets);
    }
}
