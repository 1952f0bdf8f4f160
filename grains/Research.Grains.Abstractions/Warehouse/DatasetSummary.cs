namespace Research.Grains.Abstractions.Warehouse;

/// <summary>One dataset's current version, as shown in the console and the CLI.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.DatasetSummary")]
public sealed record DatasetSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] string VersionId,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] string Source,
    [property: Id(4)] int Files,
    [property: Id(5)] long Rows,
    [property: Id(6)] long Bytes);
