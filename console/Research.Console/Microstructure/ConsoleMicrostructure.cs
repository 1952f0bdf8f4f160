using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Microstructure;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Microstructure;

/// <summary>The microstructure page's call through <see cref="ConsoleActions"/> (checked, not audited: a read-only computation on the warehouse).</summary>
public sealed class ConsoleMicrostructure(IClusterClient cluster, ConsoleActions actions)
{
    public Task<MicrostructureView> RunAsync(ClaimsPrincipal user, MicrostructureRequest request) =>
        actions.RunAsync(user, ResearchActions.MicroStudy, request.Symbols ?? "all symbols", () => cluster.GetGrain<IMicrostructureGrain>(0).RunAsync(request), new ActionOptions(Audit: false));
}
