using Microsoft.Extensions.Diagnostics.HealthChecks;
using Research.Grains.Abstractions.Cluster;

namespace Research.Console.Cluster;

/// <summary>Healthy when the console can reach the cluster and get an answer from a grain.</summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var overview = await client.GetGrain<IClusterOverviewGrain>(0).GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return overview.Silos.Count > 0
                ? HealthCheckResult.Healthy($"{overview.Silos.Count} silo(s) active")
                : HealthCheckResult.Unhealthy("the cluster reports no active silo");
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"cluster unreachable: {e.Message}");
        }
    }
}
