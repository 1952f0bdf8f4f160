using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Audit;

/// <summary>The audit area's way to the cluster: reading the log and checking its hash chain (operators and up).</summary>
public sealed class ConsoleAudit(IClusterClient cluster, ConsoleActions actions)
{
    private IAuditGrain Log => cluster.GetGrain<IAuditGrain>(0);

    public Task<IReadOnlyList<AuditRow>> ReadAsync(ClaimsPrincipal user, AuditFilter filter) =>
        actions.RunAsync(user, ResearchActions.AuditView, "audit", () => Log.ReadAsync(filter), new ActionOptions(Audit: false));

    public Task<AuditCheck> VerifyAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.AuditView, "audit", () => Log.VerifyAsync(), new ActionOptions(Audit: false));
}
