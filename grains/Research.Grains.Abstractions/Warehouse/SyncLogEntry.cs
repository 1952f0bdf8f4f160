namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// One line of the sync log: a dataset's history entry (a publish, a quarantine, a repair after an interrupted writer,
/// a tag, a rollback) with when, which version, by whom and the detail.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.SyncLogEntry")]
public sealed record SyncLogEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Dataset,
    [property: Id(2)] string Action,
    [property: Id(3)] string VersionId,
    [property: Id(4)] string By,
    [property: Id(5)] string? Detail);
