using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Components.Layout;

/// <summary>One page of the console: its path, title, and the action that opens it (navigation shows only what the user may open).</summary>
public sealed record ConsolePage(string Id, string Path, string Title, string Action, bool InNavigation = true);

/// <summary>
/// The console's pages and the action each needs. The navigation is built from it, and the authorization matrix test
/// checks every page against every role with it; a page's [Authorize] policy must name the same action.
/// </summary>
public static class NavLinks
{
    public static IReadOnlyList<ConsolePage> Pages { get; } =
    [
        new("overview", "/", "Overview", ResearchActions.OverviewView),
        new("data-sync", "/data/sync", "Data", ResearchActions.OverviewView),
        new("data-explorer", "/data/explorer", "Datasets", ResearchActions.DatasetExplore),
        new("data-quality", "/data/quality", "Quality", ResearchActions.DatasetExplore, InNavigation: false),
        new("backtests", "/backtests", "Backtests", ResearchActions.BacktestView),
        new("compare", "/backtests/compare", "Compare", ResearchActions.BacktestView, InNavigation: false),
        new("dashboard", "/dashboard", "Performance", ResearchActions.DashboardView),
        new("risk", "/risk", "Risk", ResearchActions.RiskView),
        new("journal", "/journal", "Journal", ResearchActions.JournalView),
        new("alpha", "/alpha", "Alpha", ResearchActions.AlphaView),
        new("events", "/events", "Events", ResearchActions.EventsStudy),
        new("microstructure", "/microstructure", "Microstructure", ResearchActions.MicroStudy),
        new("execution", "/execution", "Execution", ResearchActions.ExecutionAnalyze),
        new("trading", "/trading", "Trading", ResearchActions.TradingView),
        new("health", "/system-health", "Health", ResearchActions.HealthView),
        new("alerts", "/alerts", "Alerts", ResearchActions.AlertsView),
        new("reports", "/reports", "Reports", ResearchActions.ReportsView),
        new("tax", "/tax", "Tax", ResearchActions.TaxView),
        new("notebooks", "/notebooks", "Notebooks", ResearchActions.NotebooksUse),
        new("audit", "/audit", "Audit", ResearchActions.AuditView),
        new("users", "/admin/users", "Users", ResearchActions.UsersView),
        new("sessions-all", "/admin/sessions", "All sessions", ResearchActions.UsersView, InNavigation: false),
        new("account", "/account", "Account", ResearchActions.AccountSelf),
        new("sessions", "/account/sessions", "Sessions", ResearchActions.AccountSelf, InNavigation: false),
        new("api-keys", "/account/api-keys", "API keys", ResearchActions.AccountSelf, InNavigation: false),
        new("password", "/account/password", "Password", ResearchActions.AccountSelf, InNavigation: false),
        new("two-factor", "/account/2fa", "Two-factor", ResearchActions.AccountSelf, InNavigation: false),
    ];

    public static IEnumerable<ConsolePage> For(ClaimsPrincipal user) => Pages.Where(p => p.InNavigation && ConsoleClaims.Allows(user, p.Action));
}
