namespace Research.Grains.Abstractions.Warehouse;

/// <summary>One ETL run as the schedule grain saw it: <c>running</c>, <c>published</c>, <c>nothing new</c> or <c>failed</c>.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.EtlRunSummary")]
public sealed record EtlRunSummary(
    [property: Id(0)] DateTimeOffset Started,
    [property: Id(1)] DateTimeOffset? Finished,
    [property: Id(2)] string Outcome,
    [property: Id(3)] string? Version,
    [property: Id(4)] int NewRows,
    [property: Id(5)] string? Watermark,
    [property: Id(6)] string? Error,
    [property: Id(7)] string Trigger);
