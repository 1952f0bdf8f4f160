namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// A dataset as the data sync page shows it: the current version (when and by whom it was published, from which
/// source, its rows and bytes), its failed validation checks, and the newest version when validation held it back
/// (quarantined), with what failed.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.DatasetStatus")]
public sealed record DatasetStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] string VersionId,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] string PublishedBy,
    [property: Id(4)] string Source,
    [property: Id(5)] long Rows,
    [property: Id(6)] long Bytes,
    [property: Id(7)] int Checks,
    [property: Id(8)] string[] FailedChecks,
    [property: Id(9)] string? HeldBackVersion,
    [property: Id(10)] string[] HeldBackFailures);
