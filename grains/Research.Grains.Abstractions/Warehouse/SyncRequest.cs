namespace Research.Grains.Abstractions.Warehouse;

/// <summary>Sync these datasets (full or incremental) from the configured source.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.SyncRequest")]
public sealed record SyncRequest(
    [property: Id(0)] IReadOnlyList<string> Datasets,
    [property: Id(1)] bool Incremental,
    [property: Id(2)] string RequestedBy);
