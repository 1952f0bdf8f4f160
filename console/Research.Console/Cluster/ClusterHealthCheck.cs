using Microsoft.Extensions.Diagnostics.HealthChecks;
using Research.Grains.Abstractions.Cluster;

namespace Research.Console.Cluster;

/// <summary>
/// Healthy when the console can reach the cluster and get an answer from a grain; degraded (still alive: liveness 200,
/// readiness 503) when it cannot yet, so a Kubernetes liveness probe does not restart a console that is only waiting
/// for its silos.
/// </summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var overview = await client.GetGrain<IClusterOverviewGrain>(0).GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return overview.Silos.Count > 0
                ? HealthCheckResult.Healthy($"{overview.Silos.Count} silo(s) active")
                : HealthCheckResult.Degraded("the cluster reports no active silo");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the client throws while it has no gateway (not connected yet, connection lost, timeout).
            return HealthCheckResult.Degraded($"cluster unreachable: {e.GetType().Name}: {e.Message}");
        }
    }
}
