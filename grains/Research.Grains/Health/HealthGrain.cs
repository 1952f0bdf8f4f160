using System.Globalization;
using Research.Grains.Client.Monitoring;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Health;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Health;

/// <summary>When a check degrades (the defaults are documented in docs/CONCEPTS/system-health-monitoring.md).</summary>
public sealed record HealthThresholds
{
    /// <summary>A grain storage write (this grain's own) slower than this is degraded.</summary>
    public TimeSpan StorageWrite { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A sync holding the warehouse's writer longer than this is degraded (stuck or very large).</summary>
    public TimeSpan SyncRunning { get; init; } = TimeSpan.FromHours(2);

    /// <summary>More queued backtest jobs than this is degraded.</summary>
    public int QueuedJobs { get; init; } = 50;

    /// <summary>An operation with at least <see cref="LatencyMinimumCalls"/> calls in the last minute and a p99 above this is degraded.</summary>
    public TimeSpan LatencyP99 { get; init; } = TimeSpan.FromSeconds(2);

    public int LatencyMinimumCalls { get; init; } = 20;

    public static HealthThresholds Default { get; } = new();
}

/// <summary>Persisted so that writing it is the storage check.</summary>
public sealed class HealthProbeState
{
    public DateTimeOffset LastProbe { get; set; }
}

/// <summary>
/// Gathers the platform's health on demand (at most every two seconds; the snapshot is reused in between) and keeps the
/// latency reports of the last minute from every silo and console. Checks, each healthy, degraded or down:
/// <list type="bullet">
/// <item>silos: every member active (a silo declared dead in the membership is degraded);</item>
/// <item>storage: this grain's state written (down when the write fails, degraded when slow);</item>
/// <item>sync lock: the sync writer idle or running within its time (degraded past it; a failed last sync is degraded);</item>
/// <item>backtest queue: queued jobs within the threshold;</item>
/// <item>breakers: none tripped (a trip is degraded: trading is stopped somewhere);</item>
/// <item>latency: no operation with enough calls has its p99 above the threshold.</item>
/// </list>
/// </summary>
public sealed class HealthGrain(
    [PersistentState("health", GrainStorageNames.Research)] IPersistentState<HealthProbeState> state,
    WarehouseLayout layout,
    TimeProvider clock,
    HealthThresholds thresholds) : Grain, IHealthGrain
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly List<LatencyReport> _reports = [];
    private (SystemHealthView View, long At)? _last;

    public Task ReportAsync(LatencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _reports.Add(report);
        var oldest = clock.GetUtcNow() - Window;
        _reports.RemoveAll(r => r.At < oldest);
        return Task.CompletedTask;
    }

    public async Task<SystemHealthView> GetAsync()
    {
        if (_last is { } last && clock.GetElapsedTime(last.At) < Reuse)
        {
            return last.View;
        }

        var now = clock.GetUtcNow();
        var checks = new List<HealthCheckView>();
        var (silos, activations) = await SilosAsync(checks).ConfigureAwait(true);
        await StorageAsync(checks, now).ConfigureAwait(true);
        var lastSync = await Guarded("sync lock", checks, () => SyncAsync(checks, now), new LastSuccessView("sync", null, "unknown: the sync writer did not answer")).ConfigureAwait(true);
        var lastBacktest = await Guarded("backtest queue", checks, () => BacktestsAsync(checks), new LastSuccessView("backtest", null, "unknown: the scheduler did not answer")).ConfigureAwait(true);
        var (lastRebalance, lastOrder) = await Guarded("breakers", checks, () => TradingAsync(checks),
            (new LastSuccessView("rebalance", null, "unknown: the trading grains did not answer"), new LastSuccessView("order", null, "unknown: the trading grains did not answer"))).ConfigureAwait(true);
        var latency = Latency(checks, now);
        var status = checks.Any(c => c.Status == "down") ? "down" : checks.Any(c => c.Status == "degraded") ? "degraded" : "healthy";
        var view = new SystemHealthView(now, status, [.. checks.Where(c => c.Status != "healthy").Select(c => $"{c.Name}: {c.Detail}")], [.. checks], silos, latency,
            [lastSync, lastBacktest, lastRebalance, lastOrder], activations);
        _last = (view, clock.GetTimestamp());
        return view;
    }

    /// <summary>Runs one part of the gathering; a part that throws is a degraded check saying what failed, and the rest still runs.</summary>
    private static async Task<T> Guarded<T>(string check, List<HealthCheckView> checks, Func<Task<T>> part, T unknown)
    {
        try
        {
            return await part().ConfigureAwait(true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            checks.Add(new HealthCheckView(check, "degraded", $"could not be read: {e.GetType().Name}: {e.Message}"));
            return unknown;
        }
    }

    private async Task<(SiloLoadView[] Silos, int Activations)> SilosAsync(List<HealthCheckView> checks)
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: false).ConfigureAwait(true);
        var active = hosts.Where(h => h.Value == SiloStatus.Active).Select(h => h.Key).ToArray();
        var statistics = active.Length == 0 ? [] : await management.GetRuntimeStatistics(active).ConfigureAwait(true);
        var silos = new List<SiloLoadView>();
        for (var i = 0; i < active.Length; i++)
        {
            var s = statistics[i];
            silos.Add(new SiloLoadView(active[i].ToParsableString(), "active", s.ActivationCount, s.EnvironmentStatistics.FilteredCpuUsagePercentage,
                s.EnvironmentStatistics.FilteredMemoryUsageBytes / 1024.0 / 1024.0, (int)s.ClientCount, s.IsOverloaded));
        }

        var dead = hosts.Where(h => h.Value is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping).Select(h => $"{h.Key.ToParsableString()} {h.Value.ToString().ToLowerInvariant()}").ToList();
        silos.AddRange(dead.Select(d => new SiloLoadView(d.Split(' ')[0], d.Split(' ')[1], 0, double.NaN, double.NaN, 0, false)));
        var overloaded = silos.Where(s => s.Overloaded).Select(s => s.Address).ToList();
        checks.Add(active.Length == 0 ? new HealthCheckView("silos", "down", "no active silo")
            : dead.Count > 0 || overloaded.Count > 0 ? new HealthCheckView("silos", "degraded", $"{active.Length} active; {string.Join(", ", dead.Concat(overloaded.Select(o => o + " overloaded")))}")
            : new HealthCheckView("silos", "healthy", $"{active.Length} active"));
        return ([.. silos], silos.Sum(s => s.Activations));
    }

    private async Task StorageAsync(List<HealthCheckView> checks, DateTimeOffset now)
    {
        var started = clock.GetTimestamp();
        try
        {
            state.State.LastProbe = now;
            await state.WriteStateAsync().ConfigureAwait(true);
            var took = clock.GetElapsedTime(started);
            checks.Add(new HealthCheckView("storage", took > thresholds.StorageWrite ? "degraded" : "healthy", Text($"grain state written in {took.TotalMilliseconds:N1} ms")));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            checks.Add(new HealthCheckView("storage", "down", $"grain state could not be written: {e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task<LastSuccessView> SyncAsync(List<HealthCheckView> checks, DateTimeOffset now)
    {
        var writer = await GrainFactory.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key).GetStatusAsync().ConfigureAwait(true);
        checks.Add(writer.State switch
        {
            SyncState.Running when writer.StartedAt is { } at && now - at > thresholds.SyncRunning =>
                new HealthCheckView("sync lock", "degraded", Text($"sync {writer.JobId} has held the writer since {at:yyyy-MM-dd HH:mm} UTC ({writer.CurrentDataset}, {writer.Stage})")),
            SyncState.Running => new HealthCheckView("sync lock", "healthy", Text($"held by sync {writer.JobId} ({writer.CurrentDataset}, {writer.Fraction:P0})")),
            SyncState.Failed => new HealthCheckView("sync lock", "degraded", $"free; the last sync {writer.JobId} failed: {writer.Error}"),
            _ => new HealthCheckView("sync lock", "healthy", "free"),
        });

        // The last publication in the warehouse: the newest current manifest.
        var catalog = new WarehouseCatalog(layout);
        var newest = await Task.Run(() => catalog.CurrentManifests().MaxBy(m => m.PublishedAt)).ConfigureAwait(true);
        return new LastSuccessView("sync", newest?.PublishedAt, newest is null ? "the warehouse is empty" : $"{newest.Dataset}@{newest.VersionId}");
    }

    private async Task<LastSuccessView> BacktestsAsync(List<HealthCheckView> checks)
    {
        var jobs = await GrainFactory.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ListAsync(500).ConfigureAwait(true);
        var (queued, running) = (jobs.Count(j => j.State == JobState.Queued), jobs.Count(j => j.State == JobState.Running));
        checks.Add(new HealthCheckView("backtest queue", queued > thresholds.QueuedJobs ? "degraded" : "healthy", $"{queued} queued, {running} running"));
        var done = jobs.Where(j => j.State == JobState.Succeeded && j.FinishedAt is not null).MaxBy(j => j.FinishedAt);
        return new LastSuccessView("backtest", done?.FinishedAt, done is null ? "none yet" : $"{done.JobId} ({done.Label})");
    }

    private async Task<(LastSuccessView Rebalance, LastSuccessView Order)> TradingAsync(List<HealthCheckView> checks)
    {
        var accounts = await GrainFactory.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync().ConfigureAwait(true);
        var strategies = await GrainFactory.GetGrain<IStrategyDirectoryGrain>(0).ListAsync().ConfigureAwait(true);
        var tripped = new List<string>();
        foreach (var scope in accounts.Select(a => "account:" + a).Concat(strategies.Select(s => "strategy:" + s.Name)).Prepend("global"))
        {
            var breaker = await GrainFactory.GetGrain<ICircuitBreakerGrain>(scope).GetAsync().ConfigureAwait(true);
            if (breaker.Tripped)
            {
                tripped.Add($"{scope} ({breaker.Reason})");
            }
        }

        checks.Add(tripped.Count == 0 ? new HealthCheckView("breakers", "healthy", "all closed") : new HealthCheckView("breakers", "degraded", "tripped: " + string.Join("; ", tripped)));
        StrategyRunView? rebalance = null;
        string? rebalanced = null;
        foreach (var s in strategies)
        {
            if ((await GrainFactory.GetGrain<IStrategyGrain>(s.Name).GetAsync().ConfigureAwait(true)).LastRun is { } run && (rebalance is null || run.At > rebalance.At))
            {
                (rebalance, rebalanced) = (run, s.Name);
            }
        }

        OrderView? order = null;
        string? ordered = null;
        foreach (var account in accounts)
        {
            if ((await GrainFactory.GetGrain<IExecutionGatewayGrain>(account).OrdersAsync(false, 1).ConfigureAwait(true)).FirstOrDefault() is { } latest && (order is null || latest.CreatedAt > order.CreatedAt))
            {
                (order, ordered) = (latest, account);
            }
        }

        return (new LastSuccessView("rebalance", rebalance?.At, rebalance is null ? "none yet" : Text($"{rebalanced} run {rebalance.Run} at the close of {rebalance.Session:yyyy-MM-dd}")),
            new LastSuccessView("order", order?.CreatedAt, order is null ? "none yet" : $"{ordered}/{order.Ticket.ClientOrderId} {order.Status}"));
    }

    private LatencyView[] Latency(List<HealthCheckView> checks, DateTimeOffset now)
    {
        var oldest = now - Window;
        var merged = new Dictionary<(string Kind, string Key), long[]>();
        foreach (var sample in _reports.Where(r => r.At >= oldest).SelectMany(r => r.Samples))
        {
            if (!merged.TryGetValue((sample.Kind, sample.Key), out var counts))
            {
                merged[(sample.Kind, sample.Key)] = counts = new long[LatencyHistogram.Buckets];
            }

            LatencyHistogram.Add(counts, sample.Counts);
        }

        var views = merged.Select(m => new LatencyView(m.Key.Kind, m.Key.Key, m.Value.Sum(), LatencyHistogram.Percentile(m.Value, 0.5), LatencyHistogram.Percentile(m.Value, 0.95), LatencyHistogram.Percentile(m.Value, 0.99)))
            .OrderByDescending(v => v.P99).ThenBy(v => v.Key, StringComparer.Ordinal).ToArray();
        var slow = views.Where(v => v.Count >= thresholds.LatencyMinimumCalls && v.P99 > thresholds.LatencyP99.TotalMilliseconds).ToList();
        checks.Add(slow.Count > 0
            ? new HealthCheckView("latency", "degraded", "p99 over " + Text($"{thresholds.LatencyP99.TotalMilliseconds:N0} ms: ") + string.Join(", ", slow.Take(5).Select(v => Text($"{v.Kind} {v.Key} {v.P99:N0} ms"))))
            : new HealthCheckView("latency", "healthy", views.Length == 0 ? "no calls measured in the last minute" : Text($"{views.Sum(v => v.Count):N0} calls in the last minute, worst p99 {views[0].P99:N1} ms ({views[0].Key})")));
        return [.. views.Take(100)];
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
