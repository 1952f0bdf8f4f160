namespace Research.Grains.Abstractions.Security;

/// <summary>The platform's roles, least to most privileged; each role may do everything the roles below it may.</summary>
public enum Role
{
    None = 0,
    Viewer = 1,
    Researcher = 2,
    Operator = 3,
    Admin = 4,
}

/// <summary>
/// One action a caller can take, with who may take it: the least role, whether a per-strategy grant is needed below
/// <see cref="Role.Operator"/>, and whether it is destructive (step-up: a fresh TOTP code with the request). This table
/// is the source of truth: the console's policies, the grain-side check, the docs' role/action table and the
/// authorization matrix test are all read from it.
/// </summary>
[GenerateSerializer]
[Alias("research.security.action-rule")]
public sealed record ActionRule(
    [property: Id(0)] string Id,
    [property: Id(1)] Role MinimumRole,
    [property: Id(2)] bool StepUp,
    [property: Id(3)] bool StrategyGrant,
    [property: Id(4)] string Description);

/// <summary>The action catalogue (see <see cref="ActionRule"/>).</summary>
public static class ResearchActions
{
    public const string OverviewView = "overview.view";
    public const string AccountSelf = "account.self";
    public const string BacktestView = "backtest.view";
    public const string BacktestSubmit = "backtest.submit";
    public const string BacktestCancel = "backtest.cancel";
    public const string BacktestCancelAny = "backtest.cancel-any";
    public const string BacktestFlag = "backtest.flag";
    public const string BacktestPrune = "backtest.prune";
    public const string DashboardView = "dashboard.view";
    public const string AlphaView = "alpha.view";
    public const string AlphaEvaluate = "alpha.evaluate";
    public const string EventsStudy = "events.study";
    public const string MicroStudy = "micro.study";
    public const string ExecutionAnalyze = "execution.analyze";
    public const string ModelStage = "model.stage";
    public const string ModelPromote = "model.promote";
    public const string TradingView = "trading.view";
    public const string OrderSubmit = "order.submit";
    public const string OrderCancel = "order.cancel";
    public const string OrderControl = "order.control";
    public const string BreakerTrip = "breaker.trip";
    public const string BreakerReset = "breaker.reset";
    public const string StrategyControl = "strategy.control";
    public const string HealthView = "health.view";
    public const string AlertsView = "alerts.view";
    public const string AlertsEdit = "alerts.edit";
    public const string AlertsAck = "alerts.ack";
    public const string AlertsReport = "alerts.report";
    public const string TaxView = "tax.view";
    public const string ReportsView = "reports.view";
    public const string ReportsRun = "reports.run";
    public const string ReportsSchedule = "reports.schedule";
    public const string DatasetTag = "dataset.tag";
    public const string WarehouseSync = "warehouse.sync";
    public const string DatasetExplore = "dataset.explore";
    public const string WarehouseQuery = "warehouse.query";
    public const string RiskView = "risk.view";
    public const string JournalView = "journal.view";
    public const string JournalAnnotate = "journal.annotate";
    public const string NotebooksUse = "notebooks.use";
    public const string NotebooksStopAny = "notebooks.stop-any";
    public const string AuditView = "audit.view";
    public const string UsersView = "admin.users.view";
    public const string UsersManage = "admin.users.manage";
    public const string UsersSecurity = "admin.users.security";
    public const string SessionsRevokeAny = "admin.sessions.revoke";

    /// <summary>Every action, in the order the docs list them.</summary>
    public static IReadOnlyList<ActionRule> All { get; } =
    [
        new(OverviewView, Role.Viewer, false, false, "See the cluster and dataset overview."),
        new(AccountSelf, Role.Viewer, false, false, "Own account: password, 2FA enrolment, own sessions and API keys."),
        new(BacktestView, Role.Viewer, false, false, "List backtest jobs and open results (equity, trades, metrics); each result opened is audited."),
        new(BacktestSubmit, Role.Researcher, false, false, "Submit a backtest, Monte Carlo or walk-forward job."),
        new(BacktestCancel, Role.Researcher, false, false, "Cancel one's own job."),
        new(BacktestCancelAny, Role.Operator, false, false, "Cancel anyone's job."),
        new(BacktestFlag, Role.Researcher, false, false, "Pin or star a result (kept by retention)."),
        new(BacktestPrune, Role.Operator, true, false, "Apply retention: delete old unpinned results."),
        new(DashboardView, Role.Viewer, false, true, "A strategy's performance dashboard (P&L, drawdown, positions); below operator only for granted strategies."),
        new(AlphaView, Role.Viewer, false, false, "See signals, the trial ledger and the model registry."),
        new(AlphaEvaluate, Role.Researcher, false, false, "Evaluate a signal (recorded as a trial in the ledger) or correlate signals."),
        new(EventsStudy, Role.Researcher, false, false, "Run an event study (abnormal returns around pasted events or earnings reports, with their tests) on the warehouse."),
        new(MicroStudy, Role.Researcher, false, false, "Run a microstructure study of the warehouse's TAQ ticks (fanned out across the cluster by day)."),
        new(ExecutionAnalyze, Role.Researcher, false, false, "Measure execution quality (implementation shortfall and its parts) of pasted orders and fills, a paper account's or a stored backtest's trades (audited, as opening the result is)."),
        new(ModelStage, Role.Researcher, false, false, "Register an evaluated signal as a staged model version (the evaluation is recorded as a trial)."),
        new(ModelPromote, Role.Operator, true, false, "Promote a staged model version to production, or roll production back."),
        new(TradingView, Role.Researcher, false, false, "See accounts, orders, fills, positions and circuit breakers with their history."),
        new(OrderSubmit, Role.Operator, false, false, "Send orders to an account's gateway (trading services act as an operator)."),
        new(OrderCancel, Role.Operator, false, false, "Cancel an open order, with a reason."),
        new(OrderControl, Role.Operator, true, false, "Manual controls: cancel a symbol's orders, close a position, flatten an account, adjust a position; with a reason, after seeing the effect."),
        new(BreakerTrip, Role.Operator, false, false, "Trip a circuit breaker by hand, with a reason (stopping is never delayed by a code)."),
        new(BreakerReset, Role.Operator, true, false, "Reset a tripped circuit breaker, with a reason; at most once a minute per breaker."),
        new(StrategyControl, Role.Operator, false, false, "Define a live strategy on a paper account, start, pause or stop it, or rebalance it now (its orders go through the gateway and its breakers)."),
        new(HealthView, Role.Viewer, false, false, "See the platform's health: silos and load, storage, the sync lock, queues, breakers, latency percentiles, last successes."),
        new(AlertsView, Role.Viewer, false, false, "See alert rules, channels (never their secrets) and the alert history with each delivery's attempts."),
        new(AlertsEdit, Role.Operator, false, false, "Create, change and delete alert rules and delivery channels; send a test message."),
        new(AlertsAck, Role.Operator, false, false, "Acknowledge an alert with a comment (stops its escalation)."),
        new(AlertsReport, Role.Operator, false, false, "Report a custom metric's value to the alert rules (trading services act as an operator)."),
        new(TaxView, Role.Researcher, false, false, "See the tax lots, realised gains, wash-sale ledger and exports of gateway accounts (each computation audited)."),
        new(ReportsView, Role.Viewer, false, false, "See the report archive and schedules; download a report (audited)."),
        new(ReportsRun, Role.Researcher, false, false, "Make a report now (archived, and sent to the channels chosen)."),
        new(ReportsSchedule, Role.Operator, false, false, "Create, change, run and remove report schedules; send an archived report again."),
        new(DatasetTag, Role.Researcher, false, false, "Point a dataset tag (e.g. paper-2025) at a version."),
        new(WarehouseSync, Role.Operator, false, false, "Start a warehouse sync through the cluster's single writer."),
        new(DatasetExplore, Role.Viewer, false, false, "Browse datasets and versions: schema, first rows, coverage and gaps, validation and NULL shares over versions."),
        new(WarehouseQuery, Role.Researcher, false, false, "Run read-only SQL over the warehouse and export the result as CSV or Parquet (bounded; each query audited)."),
        new(RiskView, Role.Viewer, false, false, "Open the risk dashboard: a portfolio's exposures, risk decomposition, VaR and ES, stress scenarios and budgets from the stored risk model; an account's positions need `trading.view` as well (checked by the risk grain)."),
        new(JournalView, Role.Viewer, false, false, "Open the trade journal: a backtest's trades (an account's fills need `trading.view` as well), round trips, win/loss analysis, tags and notes; export them."),
        new(JournalAnnotate, Role.Researcher, false, false, "Tag a journal trade and write a note on it (stored and audited)."),
        new(NotebooksUse, Role.Researcher, false, false, "Start, open and stop one's own Jupyter notebook servers (read-only warehouse access through a session API key); no one else can open them."),
        new(NotebooksStopAny, Role.Operator, false, false, "See every running notebook server and stop anyone's (never open it)."),
        new(AuditView, Role.Operator, false, false, "Read the audit log."),
        new(UsersView, Role.Admin, false, false, "List users, their roles, grants, 2FA and lockout state."),
        new(UsersManage, Role.Admin, true, false, "Create users, change roles and strategy grants."),
        new(UsersSecurity, Role.Admin, true, false, "Disable or re-enable a user, reset their 2FA, revoke their sessions and API keys."),
        new(SessionsRevokeAny, Role.Admin, true, false, "Revoke another user's session."),
    ];

    private static readonly Dictionary<string, ActionRule> ById = All.ToDictionary(a => a.Id, StringComparer.Ordinal);

    /// <summary>The rule for <paramref name="action"/>; throws for an unknown id (a typo must not silently allow).</summary>
    public static ActionRule Get(string action) =>
        ById.TryGetValue(action, out var rule) ? rule : throw new ArgumentException($"'{action}' is not a known action.", nameof(action));

    /// <summary>
    /// Whether a caller with <paramref name="role"/> and strategy <paramref name="grants"/> may take <paramref name="action"/>
    /// (on <paramref name="strategy"/> when the action is per strategy). Step-up is checked by the caller of this method.
    /// </summary>
    public static bool Allows(Role role, string action, IReadOnlyCollection<string>? grants = null, string? strategy = null)
    {
        var rule = Get(action);
        if (role < rule.MinimumRole || role == Role.None)
        {
            return false;
        }

        if (!rule.StrategyGrant || role >= Role.Operator || strategy is null)
        {
            return true;
        }

        return grants is not null && grants.Contains(strategy, StringComparer.Ordinal);
    }

    /// <summary>Parses a stored role name ("viewer" ... "admin"); <see cref="Role.None"/> for anything else.</summary>
    public static Role ParseRole(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "viewer" => Role.Viewer,
        "researcher" => Role.Researcher,
        "operator" => Role.Operator,
        "admin" => Role.Admin,
        _ => Role.None,
    };

    /// <summary>The stored name of <paramref name="role"/>.</summary>
    public static string RoleName(Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Researcher => "researcher",
        Role.Operator => "operator",
        Role.Admin => "admin",
        _ => "none",
    };

    /// <summary>The highest of several roles (a user with more than one role row).</summary>
    public static Role Highest(IEnumerable<string> roles) => roles.Select(ParseRole).DefaultIfEmpty(Role.None).Max();
}
