using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Cluster;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Console.Overview;

/// <summary>What the overview page shows: the cluster's silos and the warehouse's datasets.</summary>
public sealed record OverviewSnapshot(ClusterOverview Cluster, IReadOnlyList<DatasetSummary> Datasets);

/// <summary>The overview area's way to the cluster (through <see cref="ConsoleActions"/>, not audited).</summary>
public sealed class ConsoleOverview(IClusterClient cluster, ConsoleActions actions)
{
    /// <summary>The cluster and the datasets; <paramref name="background"/> for the page's own refresh, which is not the user's activity.</summary>
    public Task<OverviewSnapshot> GetAsync(ClaimsPrincipal user, bool background = false) =>
        actions.RunAsync(user, ResearchActions.OverviewView, "overview", async () => new OverviewSnapshot(
            await cluster.GetGrain<IClusterOverviewGrain>(0).GetAsync().ConfigureAwait(false),
            await cluster.GetGrain<IWarehouseCatalogGrain>(0).ListDatasetsAsync().ConfigureAwait(false)), new ActionOptions(Audit: false, Touch: !background));
}
