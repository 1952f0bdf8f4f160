using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Risk;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Risk;

/// <summary>The risk dashboard's calls through <see cref="ConsoleActions"/>; each analysis is audited with the portfolio's source (its exposure history and drill-downs, which show the same book, are not audited again).</summary>
public sealed class ConsoleRisk(IClusterClient cluster, ConsoleActions actions)
{
    private IRiskDashboardGrain Grain => cluster.GetGrain<IRiskDashboardGrain>(0);

    public Task<RiskSetup> SetupAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.RiskView, "risk model", () => Grain.SetupAsync(), new ActionOptions(Audit: false));

    public Task<RiskView> AnalyzeAsync(ClaimsPrincipal user, RiskRequest request) =>
        actions.RunAsync(user, ResearchActions.RiskView, Target(request), () => Grain.AnalyzeAsync(request));

    public Task<ExposureHistoryView> ExposureHistoryAsync(ClaimsPrincipal user, RiskRequest request) =>
        actions.RunAsync(user, ResearchActions.RiskView, Target(request), () => Grain.ExposureHistoryAsync(request), new ActionOptions(Audit: false));

    public Task<ExposureDrillView> DrillAsync(ClaimsPrincipal user, RiskRequest request, string factor, DateOnly date) =>
        actions.RunAsync(user, ResearchActions.RiskView, Target(request), () => Grain.DrillAsync(request, factor, date), new ActionOptions(Audit: false));

    private static string Target(RiskRequest request) => request.Source switch
    {
        "backtest" => $"backtest:{request.JobId}",
        "account" => $"account:{request.Account}",
        _ => "uploaded portfolio",
    };
}
