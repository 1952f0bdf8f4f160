using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Alpha;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Alpha;

/// <summary>
/// The alpha explorer's and the model registry's actions, each through <see cref="ConsoleActions"/> (session, role,
/// step-up, audit) to the cluster's grains: evaluating a signal and staging a model are audited (both record a trial),
/// promotion and rollback need a fresh TOTP code and a reason and are audited; reading is not.
/// </summary>
public sealed class ConsoleAlpha(IClusterClient cluster, ConsoleActions actions)
{
    private IAlphaResearchGrain Research => cluster.GetGrain<IAlphaResearchGrain>(0);

    private IModelRegistryGrain Registry => cluster.GetGrain<IModelRegistryGrain>(0);

    public Task<SignalInfo[]> SignalsAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.AlphaView, "signals", () => Research.ListSignalsAsync(), new ActionOptions(Audit: false));

    public Task<SignalExplorerView> EvaluateAsync(ClaimsPrincipal user, string signal, DateOnly from, DateOnly to, int every, string question) =>
        actions.RunAsync(user, ResearchActions.AlphaEvaluate, signal, () => Research.EvaluateAsync(signal, from, to, every, question),
            new ActionOptions(Details: $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd} every {every}, question '{question}'"));

    public Task<CorrelationView> CorrelateAsync(ClaimsPrincipal user, string[] signals, DateOnly from, DateOnly to, int every) =>
        actions.RunAsync(user, ResearchActions.AlphaEvaluate, string.Join(",", signals), () => Research.CorrelateAsync(signals, from, to, every), new ActionOptions(Audit: false));

    public Task<TrialView[]> TrialsAsync(ClaimsPrincipal user, string question) =>
        actions.RunAsync(user, ResearchActions.AlphaView, question, () => Research.TrialsAsync(question), new ActionOptions(Audit: false));

    public Task<ModelView[]> ModelsAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.AlphaView, "models", () => Registry.ListAsync(), new ActionOptions(Audit: false));

    public Task<ModelView> StageAsync(ClaimsPrincipal user, string name, string signal, DateOnly from, DateOnly to, DateOnly split, int every, string question) =>
        actions.RunAsync(user, ResearchActions.ModelStage, name, () => Registry.RegisterAsync(name, signal, from, to, split, every, question),
            new ActionOptions(Details: $"{signal} {from:yyyy-MM-dd}..{to:yyyy-MM-dd}, out of sample from {split:yyyy-MM-dd}, every {every}, question '{question}'"));

    public Task<ModelView> PromoteAsync(ClaimsPrincipal user, string name, int version, double? minOosRankIc, string? code, string reason) =>
        actions.RunAsync(user, ResearchActions.ModelPromote, $"{name} v{version}", () => Registry.PromoteAsync(name, version, minOosRankIc, reason),
            new ActionOptions(StepUpCode: code, Reason: reason, Details: minOosRankIc is { } m ? $"promote, gate oos_rank_ic >= {m}" : "promote"));

    public Task<ModelView> RollbackAsync(ClaimsPrincipal user, string name, string? code, string reason) =>
        actions.RunAsync(user, ResearchActions.ModelPromote, name, () => Registry.RollbackAsync(name, reason), new ActionOptions(StepUpCode: code, Reason: reason, Details: "rollback"));
}
