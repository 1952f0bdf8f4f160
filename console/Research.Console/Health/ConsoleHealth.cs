using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;
using Research.Console.Security;
using Research.Grains.Abstractions.Health;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client.Monitoring;

namespace Research.Console.Health;

/// <summary>The health page's read (not audited: a refreshing page is not the user's activity).</summary>
public sealed class ConsoleHealth(IClusterClient cluster, ConsoleActions actions)
{
    public Task<SystemHealthView> GetAsync(ClaimsPrincipal user, bool refresh) =>
        actions.RunAsync(user, ResearchActions.HealthView, "health", () => cluster.GetGrain<IHealthGrain>(0).GetAsync(), new ActionOptions(Audit: false, Touch: !refresh));
}

/// <summary>The console's page latency (kind <c>page</c>: server time of a page or API request, by route).</summary>
public static class ConsoleHealthEndpoints
{
    /// <summary>Times every request that reaches a page or an API endpoint, by its route.</summary>
    public static IApplicationBuilder UsePageLatency(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var recorder = app.ApplicationServices.GetRequiredService<LatencyRecorder>();
        var clock = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            var started = clock.GetTimestamp();
            await next(context).ConfigureAwait(false);
            if (context.GetEndpoint() is RouteEndpoint endpoint && (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null || endpoint.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true))
            {
                recorder.Record("page", endpoint.RoutePattern.RawText ?? context.Request.Path, clock.GetElapsedTime(started));
            }
        });
    }
}
