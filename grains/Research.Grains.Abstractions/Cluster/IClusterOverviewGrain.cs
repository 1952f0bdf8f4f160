namespace Research.Grains.Abstractions.Cluster;

/// <summary>What the cluster looks like now: silos and grain activations. Read-only, any silo can answer.</summary>
[Alias("research.cluster.overview")]
public interface IClusterOverviewGrain : IGrainWithIntegerKey
{
    /// <summary>A bounded snapshot of the cluster (silos, activation counts by grain type).</summary>
    [Alias("get")]
    Task<ClusterOverview> GetAsync();
}
