using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Events;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Events;

/// <summary>The event study page's call through <see cref="ConsoleActions"/> (checked, not audited: a read-only computation on the warehouse).</summary>
public sealed class ConsoleEvents(IClusterClient cluster, ConsoleActions actions)
{
    public Task<EventStudyView> RunAsync(ClaimsPrincipal user, EventStudyRequest request) =>
        actions.RunAsync(user, ResearchActions.EventsStudy, request.Source, () => cluster.GetGrain<IEventStudyGrain>(0).RunAsync(request), new ActionOptions(Audit: false));
}
