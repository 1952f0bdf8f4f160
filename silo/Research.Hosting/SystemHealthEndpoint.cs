using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Research.Grains.Abstractions.Health;
using Research.Grains.Abstractions.Security;

namespace Research.Hosting;

/// <summary>The platform's health over HTTP, on the silos and the console alike.</summary>
public static class SystemHealthEndpoint
{
    private static readonly CallerIdentity Probe = new("health-probe", Role.Viewer, "http");

    /// <summary>
    /// <c>/health/system</c>, anonymous like <c>/health</c>: the platform's status and each check's name and status (200
    /// healthy or degraded, 503 down or unreachable). The details (breaker reasons, job ids) need a signed-in user: the
    /// health page or <c>research health</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapSystemHealth(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(HealthEndpoints.System, async (IGrainFactory cluster, HttpContext http) =>
        {
            try
            {
                var health = await Probe.RunAsync(() => cluster.GetGrain<IHealthGrain>(0).GetAsync().WaitAsync(TimeSpan.FromSeconds(10), http.RequestAborted)).ConfigureAwait(false);
                return Results.Json(new { status = health.Status, asOf = health.AsOf, checks = health.Checks.Select(c => new { name = c.Name, status = c.Status }) },
                    JsonSerializerOptions.Web, statusCode: health.Status == "down" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
            }
            catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                return Results.Json(new { status = "down", checks = new[] { new { name = "cluster", status = "down" } }, error = e.GetType().Name }, JsonSerializerOptions.Web, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();
        return app;
    }
}
