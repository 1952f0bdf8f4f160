using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.ExecutionQuality;
using Research.Grains.Abstractions.Security;

namespace Research.Console.ExecutionQuality;

/// <summary>The execution-quality page's call through <see cref="ConsoleActions"/>: checked; audited only for a backtest's trades (opening a stored result is audited on the backtest pages too), not for pasted tables or an account.</summary>
public sealed class ConsoleExecutionQuality(IClusterClient cluster, ConsoleActions actions)
{
    public Task<ExecutionQualityView> AnalyzeAsync(ClaimsPrincipal user, ExecutionQualityRequest request) =>
        actions.RunAsync(user, ResearchActions.ExecutionAnalyze, request.Job ?? request.Account ?? request.Source, () => cluster.GetGrain<IExecutionQualityGrain>(0).AnalyzeAsync(request), new ActionOptions(Audit: request.Source == "backtest"));
}
