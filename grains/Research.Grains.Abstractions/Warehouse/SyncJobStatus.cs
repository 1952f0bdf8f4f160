namespace Research.Grains.Abstractions.Warehouse;

/// <summary>The warehouse writer's current or last job, for polling clients.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.SyncJobStatus")]
public sealed record SyncJobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] SyncState State,
    [property: Id(2)] IReadOnlyList<string> Datasets,
    [property: Id(3)] string? CurrentDataset,
    [property: Id(4)] string Stage,
    [property: Id(5)] double Fraction,
    [property: Id(6)] DateTimeOffset? StartedAt,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] string? Error,
    [property: Id(9)] IReadOnlyList<string> Published)
{
    /// <remarks>
    /// A new instance on every read: grain state defaults to it, and the JSON state serializer populates an existing
    /// object in place, so one shared instance would carry the first deserialized job into every later default (seen
    /// in tests: a sync writer with no state reported another cluster's failed job).
    /// </remarks>
    public static SyncJobStatus None => new(string.Empty, SyncState.Idle, [], null, string.Empty, 0, null, null, null, []);
}
