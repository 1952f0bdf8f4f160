namespace Research.Data.Warehouse;

/// <summary>Which version of a dataset to read: the current one, a version id, a tag, or as of a time.</summary>
public sealed record VersionSelector
{
    private VersionSelector(string? versionId, string? tag, DateTimeOffset? asOf)
    {
        VersionId = versionId;
        Tag = tag;
        AsOf = asOf;
    }

    public string? VersionId { get; }

    public string? Tag { get; }

    public DateTimeOffset? AsOf { get; }

    /// <summary>The version <c>CURRENT</c> points at when the reader opens.</summary>
    public static VersionSelector Current { get; } = new(null, null, null);

    public static VersionSelector Version(string versionId) => new(versionId, null, null);

    public static VersionSelector Tagged(string tag) => new(null, tag, null);

    /// <summary>The version that was current at <paramref name="at"/> (rollbacks included).</summary>
    public static VersionSelector AsOfTime(DateTimeOffset at) => new(null, null, at);

    public override string ToString() =>
        VersionId is not null ? $"version {VersionId}" : Tag is not null ? $"tag '{Tag}'" : AsOf is { } t ? $"as of {t:O}" : "current";
}
