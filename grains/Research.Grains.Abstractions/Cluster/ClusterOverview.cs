namespace Research.Grains.Abstractions.Cluster;

/// <summary>A snapshot of the cluster.</summary>
[GenerateSerializer, Immutable, Alias("research.cluster.ClusterOverview")]
public sealed record ClusterOverview(
    [property: Id(0)] DateTimeOffset AsOf,
    [property: Id(1)] IReadOnlyList<SiloSummary> Silos,
    [property: Id(2)] IReadOnlyList<GrainTypeActivations> Activations)
{
    /// <summary>Total activations over all grain types and silos.</summary>
    public int TotalActivations => Activations.Sum(a => a.Count);
}

/// <summary>One silo.</summary>
[GenerateSerializer, Immutable, Alias("research.cluster.SiloSummary")]
public sealed record SiloSummary(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string HostName,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset? StartedAt);

/// <summary>Activations of one grain type on one silo.</summary>
[GenerateSerializer, Immutable, Alias("research.cluster.GrainTypeActivations")]
public sealed record GrainTypeActivations(
    [property: Id(0)] string GrainType,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Count);
