using System.Globalization;
using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Backtests;

/// <summary>
/// The backtest actions of the console, shared by its pages and its <c>/api</c>: each goes through
/// <see cref="ConsoleActions"/> (session, role, step-up, audit) and then to the cluster's grains with the user's identity.
/// Opening a result is audited (it shows P&amp;L and trades); listing is not.
/// </summary>
public sealed class ConsoleBacktests(IClusterClient cluster, ConsoleActions actions, TimeProvider clock)
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private IBacktestSchedulerGrain Scheduler => cluster.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);

    private IBacktestResultGrain Results => cluster.GetGrain<IBacktestResultGrain>(0);

    /// <summary>The newest jobs; <paramref name="background"/> for a page's own refresh, which does not count as the user's activity.</summary>
    public Task<IReadOnlyList<BacktestJobStatus>> ListAsync(ClaimsPrincipal user, int limit = 100, bool background = false) =>
        actions.RunAsync(user, ResearchActions.BacktestView, "jobs", () => Scheduler.ListAsync(Math.Clamp(limit, 1, 1000)), new ActionOptions(Audit: false, Touch: !background));

    /// <summary>
    /// Pushes every change of <paramref name="jobId"/> (state and progress) to <paramref name="onChange"/> until the watch is
    /// disposed; the subscription and its renewals go through the action check as <see cref="ResearchActions.BacktestView"/>,
    /// not counted as the user's activity.
    /// </summary>
    public async Task<JobWatch> WatchAsync(ClaimsPrincipal user, string jobId, Action<BacktestJobStatus> onChange)
    {
        var watch = new JobWatch(cluster, RequireId(jobId), call => actions.RunAsync(user, ResearchActions.BacktestView, jobId, call, new ActionOptions(Audit: false, Touch: false)), onChange);
        await watch.StartAsync(clock).ConfigureAwait(false);
        return watch;
    }

    public Task<BacktestJobStatus> StatusAsync(ClaimsPrincipal user, string jobId) =>
        actions.RunAsync(user, ResearchActions.BacktestView, jobId, () => cluster.GetGrain<IBacktestJobGrain>(RequireId(jobId)).GetStatusAsync(), new ActionOptions(Audit: false));

    /// <summary>Status and stored result (null until succeeded); audited as access to P&amp;L.</summary>
    /// <summary>A job's status and result. Audited as "result opened" unless <paramref name="audit"/> is false (the page's second render of a view already audited while prerendering).</summary>
    public Task<(BacktestJobStatus Status, BacktestJobResult? Result)> OpenAsync(ClaimsPrincipal user, string jobId, bool audit = true) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), async () =>
        {
            var job = cluster.GetGrain<IBacktestJobGrain>(jobId);
            return (await job.GetStatusAsync().ConfigureAwait(false), await job.GetResultAsync().ConfigureAwait(false));
        }, new ActionOptions(Audit: audit, Details: "result opened"));

    /// <summary>
    /// A strategy's performance for the dashboard: its latest stored backtest (looked up in the result index), with the
    /// daily track and positions. Per-strategy: below operator the user needs a grant for <paramref name="strategy"/>.
    /// Audited (P&amp;L access).
    /// </summary>
    public Task<StrategyPerformance?> StrategyPerformanceAsync(ClaimsPrincipal user, string strategy, bool audit = true) =>
        actions.RunAsync(user, ResearchActions.DashboardView, strategy, () => Results.GetStrategyPerformanceAsync(strategy, 10), new ActionOptions(Strategy: strategy, Audit: audit, Details: "dashboard opened"));

    public Task<BacktestOptions> OptionsAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.BacktestView, "options", () => Results.GetOptionsAsync(), new ActionOptions(Audit: false));

    /// <summary>The settings a job runs with (part of opening a result, audited once by <see cref="OpenAsync"/>).</summary>
    public Task<JobSubmission?> SubmissionAsync(ClaimsPrincipal user, string jobId) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), () => cluster.GetGrain<IBacktestJobGrain>(jobId).GetSubmissionAsync(), new ActionOptions(Audit: false));

    /// <summary>The daily track with equity, drawdown and monthly returns (part of opening a result, which is audited once by <see cref="OpenAsync"/>).</summary>
    public Task<ResultView> ViewAsync(ClaimsPrincipal user, string jobId) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), () => Results.GetViewAsync(jobId), new ActionOptions(Audit: false));

    /// <summary>The tear sheet against the market, or against another stored run when <paramref name="benchmarkJob"/> is given.</summary>
    public Task<TearSheetView> TearSheetAsync(ClaimsPrincipal user, string jobId, string? benchmarkJob = null) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId),
            () => benchmarkJob is null ? Results.GetTearSheetAsync(jobId) : Results.GetTearSheetAgainstAsync(jobId, RequireId(benchmarkJob)), new ActionOptions(Audit: false));

    /// <summary>A combined portfolio of the runs (see <see cref="IBacktestResultGrain.CombineAsync"/>); the runs' results were opened (and audited) by the page.</summary>
    public Task<CombinationView> CombineAsync(ClaimsPrincipal user, IReadOnlyList<string> jobIds, string method, double[]? weights) =>
        actions.RunAsync(user, ResearchActions.BacktestView, string.Join(",", jobIds.Select(RequireId)), () => Results.CombineAsync([.. jobIds], method, weights), new ActionOptions(Audit: false));

    /// <summary>The run's returns attributed to a Fama-French model (see <see cref="IBacktestResultGrain.GetAttributionAsync"/>).</summary>
    public Task<AttributionView> AttributionAsync(ClaimsPrincipal user, string jobId, string model, int neweyWestLags, int rollingWindow) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId),
            () => Results.GetAttributionAsync(jobId, model, neweyWestLags, rollingWindow), new ActionOptions(Audit: false));

    /// <summary>A page of trades; of one security and/or a date range when given.</summary>
    public Task<TradePage> TradesAsync(ClaimsPrincipal user, string jobId, int skip, int take, int? permno = null, DateOnly? from = null, DateOnly? to = null) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId),
            () => permno is null && from is null && to is null ? Results.GetTradesAsync(jobId, skip, take) : Results.GetTradesSelectedAsync(jobId, skip, take, permno, from, to),
            new ActionOptions(Audit: false));

    /// <summary>
    /// Prepares the CSV of every trade of a stored backtest: the first page is read here (the caller's right checked,
    /// the download audited once as "trades downloaded"; a refusal or a missing result throws before anything is
    /// written); the returned writer then streams the header and every trade (ticker and company as they were on the
    /// date), read from the silo a page at a time, so a run of millions of trades is never held in memory.
    /// </summary>
    public async Task<Func<TextWriter, CancellationToken, Task>> PrepareTradesCsvAsync(ClaimsPrincipal user, string jobId)
    {
        const int Page = 1000;
        var first = await actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), () => Results.GetTradesAsync(jobId, 0, Page), new ActionOptions(Details: "trades downloaded")).ConfigureAwait(false);
        return (writer, cancellationToken) => WriteTradesCsvAsync(user, jobId, first, Page, writer, cancellationToken);
    }

    private async Task WriteTradesCsvAsync(ClaimsPrincipal user, string jobId, TradePage page, int pageSize, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteLineAsync("date,permno,ticker,company,weight_before,weight_after,price,shares,value,realized_pnl,cost").ConfigureAwait(false);
        for (var skip = 0; ;)
        {
            foreach (var t in page.Rows)
            {
                await writer.WriteLineAsync(string.Join(',', t.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), t.Permno.ToString(CultureInfo.InvariantCulture), Csv(t.Ticker), Csv(t.Name),
                    t.WeightBefore.ToString("R", CultureInfo.InvariantCulture), t.WeightAfter.ToString("R", CultureInfo.InvariantCulture),
                    t.Price?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty, t.Shares?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty, t.Value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty, t.Realized?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
                    t.Cost.ToString("R", CultureInfo.InvariantCulture))).ConfigureAwait(false);
            }

            skip += page.Rows.Length;
            if (page.Rows.Length == 0 || skip >= page.Total)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            page = await TradesAsync(user, jobId, skip, pageSize).ConfigureAwait(false);
        }
    }

    /// <summary>A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break.</summary>
    internal static string Csv(string? value) =>
        value is null ? string.Empty : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    public Task<PositionSnapshot> PositionsAsync(ClaimsPrincipal user, string jobId, int top) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), () => Results.GetPositionsAsync(jobId, top), new ActionOptions(Audit: false));

    public Task<MonteCarloView> MonteCarloAsync(ClaimsPrincipal user, string jobId) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), () => Results.GetMonteCarloAsync(jobId), new ActionOptions(Audit: false));

    public Task<WindowRow[]> WindowsAsync(ClaimsPrincipal user, string jobId) =>
        actions.RunAsync(user, ResearchActions.BacktestView, RequireId(jobId), () => Results.GetWindowsAsync(jobId), new ActionOptions(Audit: false));

    public Task<BacktestJobStatus> SubmitAsync(ClaimsPrincipal user, BacktestJobSpec spec, JobPriority priority) =>
        actions.RunAsync(user, ResearchActions.BacktestSubmit, $"{spec.Strategy} {spec.From:yyyy-MM-dd}..{spec.To:yyyy-MM-dd}",
            () => Scheduler.SubmitAsync(new JobSubmission(spec, null, priority, user.Identity?.Name ?? "?")));

    public Task<BacktestJobStatus> SubmitMonteCarloAsync(ClaimsPrincipal user, MonteCarloJobSpec spec, JobPriority priority) =>
        actions.RunAsync(user, ResearchActions.BacktestSubmit, $"monte-carlo of {spec.SourceJob}",
            () => Scheduler.SubmitAsync(new JobSubmission(null, spec, priority, user.Identity?.Name ?? "?")));

    public Task<BacktestJobStatus> SubmitWalkForwardAsync(ClaimsPrincipal user, WalkForwardJobSpec spec, JobPriority priority) =>
        actions.RunAsync(user, ResearchActions.BacktestSubmit, $"walk-forward of {string.Join('/', spec.Strategies)}",
            () => Scheduler.SubmitAsync(new JobSubmission(null, null, priority, user.Identity?.Name ?? "?", spec)));

    /// <summary>Own jobs need <see cref="ResearchActions.BacktestCancel"/>; anyone's need <see cref="ResearchActions.BacktestCancelAny"/> (checked here and by the job grain).</summary>
    public async Task<BacktestJobStatus> CancelAsync(ClaimsPrincipal user, string jobId)
    {
        var status = await StatusAsync(user, jobId).ConfigureAwait(false);
        var action = string.Equals(status.RequestedBy, user.Identity?.Name, StringComparison.Ordinal) ? ResearchActions.BacktestCancel : ResearchActions.BacktestCancelAny;
        return await actions.RunAsync(user, action, jobId, () => cluster.GetGrain<IBacktestJobGrain>(jobId).CancelAsync(user.Identity?.Name ?? "?")).ConfigureAwait(false);
    }

    public Task<bool> SetFlagsAsync(ClaimsPrincipal user, string jobId, bool? pinned, bool? starred) =>
        actions.RunAsync(user, ResearchActions.BacktestFlag, RequireId(jobId), () => Scheduler.SetFlagsAsync(jobId, pinned, starred), new ActionOptions(Details: $"pinned={pinned?.ToString() ?? "-"} starred={starred?.ToString() ?? "-"}"));

    public Task<RetentionReport> ApplyRetentionAsync(ClaimsPrincipal user, int keepLatest, int maxAgeDays, string? stepUpCode, string? reason) =>
        actions.RunAsync(user, ResearchActions.BacktestPrune, "results", () => Scheduler.ApplyRetentionAsync(keepLatest, maxAgeDays),
            new ActionOptions(StepUpCode: stepUpCode, Reason: reason, Details: $"keep {keepLatest}, max age {maxAgeDays} d"));

    /// <summary>Job ids are <c>bt-</c>/<c>mc-</c>/<c>wf-</c>/<c>sg-</c> plus hex; anything else is refused before it reaches a grain key or a path.</summary>
    private static readonly string[] JobPrefixes = ["bt-", "mc-", "wf-", "sg-"];

    public static string RequireId(string jobId)
    {
        if (jobId is { Length: > 3 and < 80 } && JobPrefixes.Any(p => jobId.StartsWith(p, StringComparison.Ordinal)) && !jobId.AsSpan(3).ContainsAnyExcept(HexDigits))
        {
            return jobId;
        }

        throw new ArgumentException($"'{jobId}' is not a job id (bt-, mc-, wf- or sg- followed by hex digits).", nameof(jobId));
    }
}
