using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Research.Alerts;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Health;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Alerts;

/// <summary>
/// The scheduled half of the rules: conditions that are states rather than events (latency percentiles, a dataset
/// that has not been refreshed, the quality of its newest version, a job that stopped making progress) are looked at
/// every <see cref="AlertOptions.Sweep"/> while a rule watches them, and each look is an observation like any other.
/// </summary>
public sealed partial class AlertGrain
{
    private static readonly AlertCondition[] Swept = [AlertCondition.LatencyP99, AlertCondition.SyncStale, AlertCondition.DataQuality, AlertCondition.JobStuck];
    private readonly ProgressWatch _progress = new();
    private HashSet<string> _latencySeen = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSweep;

    /// <summary>Looks at the swept conditions when a rule watches one and the last look is <see cref="AlertOptions.Sweep"/> old.</summary>
    private async Task SweepIfDueAsync()
    {
        var now = clock.GetUtcNow();
        var watched = Swept.Where(c => _rules.Any(r => r.Enabled && r.Condition == c)).ToHashSet();
        if (watched.Count == 0 || (_lastSweep is { } last && now - last < options.Sweep))
        {
            return;
        }

        _lastSweep = now;
        var observations = new List<Observation>();
        // Each source is read once for the conditions it serves (the catalog serves two).
        foreach (var (serves, look) in new (AlertCondition[], Func<DateTimeOffset, Task<IEnumerable<Observation>>>)[]
        {
            ([AlertCondition.LatencyP99], LatencyAsync),
            ([AlertCondition.SyncStale, AlertCondition.DataQuality], at => Task.Run<IEnumerable<Observation>>(() => Warehouse(at, watched))),
            ([AlertCondition.JobStuck], JobsAsync),
        })
        {
            if (!serves.Any(watched.Contains))
            {
                continue;
            }

            try
            {
                observations.AddRange(await look(now).ConfigureAwait(true));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One source down (a scheduler that does not answer) must not stop the others' looks.
                LogSweepFailed(logger, string.Join("/", serves.Select(AlertRule.Wire)), e.Message);
            }
        }

        foreach (var observation in observations)
        {
            await ObserveCoreAsync(observation).ConfigureAwait(true);
        }
    }

    /// <summary>
    /// p99 in milliseconds of each grain call and console page with enough calls in the health grain's last minute; an
    /// operation measured at the last look and not now (no calls, or too few) is observed at 0, so its alert resolves.
    /// </summary>
    private async Task<IEnumerable<Observation>> LatencyAsync(DateTimeOffset now)
    {
        var health = await GrainFactory.GetGrain<IHealthGrain>(0).GetAsync().ConfigureAwait(true);
        var measured = health.Latency.Where(l => l.Count >= options.LatencyMinimumCalls && double.IsFinite(l.P99)).Select(l => new Observation(AlertCondition.LatencyP99, $"{l.Kind}:{l.Key}", l.P99, now,
            string.Create(CultureInfo.InvariantCulture, $"{l.Count:N0} calls in the last minute: p50 {l.P50:N1} ms, p95 {l.P95:N1} ms, p99 {l.P99:N1} ms"))).ToList();
        var seen = measured.Select(o => o.Subject).ToHashSet(StringComparer.Ordinal);
        var gone = _latencySeen.Where(s => !seen.Contains(s)).Select(s => new Observation(AlertCondition.LatencyP99, s, 0, now, $"fewer than {options.LatencyMinimumCalls} calls in the last minute")).ToList();
        _latencySeen = seen;
        return [.. measured, .. gone];
    }

    /// <summary>
    /// Per dataset, in one read of the catalog: hours since its current version was published (<c>sync-stale</c>) and
    /// the failed quality checks of its newest version, a quarantined one included (<c>data-quality</c>: 0 when all
    /// passed), each only when a rule watches it.
    /// </summary>
    private List<Observation> Warehouse(DateTimeOffset now, HashSet<AlertCondition> watched)
    {
        if (ServiceProvider.GetService<WarehouseLayout>() is not { } layout)
        {
            return [];
        }

        var catalog = new WarehouseCatalog(layout);
        var result = new List<Observation>();
        foreach (var current in catalog.CurrentManifests())
        {
            if (watched.Contains(AlertCondition.SyncStale))
            {
                result.Add(new Observation(AlertCondition.SyncStale, current.Dataset, Math.Max(0, (now - current.PublishedAt).TotalHours), now,
                    string.Create(CultureInfo.InvariantCulture, $"current version {current.VersionId} published {current.PublishedAt:yyyy-MM-dd HH:mm} UTC by {current.PublishedBy}")));
            }

            if (watched.Contains(AlertCondition.DataQuality))
            {
                var newest = catalog.Newest(current);
                var failed = newest.Validation.Where(f => !f.Passed).ToList();
                result.Add(new Observation(AlertCondition.DataQuality, current.Dataset, failed.Count, now, failed.Count == 0
                    ? $"version {newest.VersionId}: all {newest.Validation.Count} checks passed"
                    : $"version {newest.VersionId} ({newest.Status}): {string.Join("; ", failed.Take(3).Select(f => $"[{f.Rule}] {(f.Column is null ? string.Empty : f.Column + ": ")}{f.Message}"))}{(failed.Count > 3 ? $"; and {failed.Count - 3} more" : string.Empty)}"));
            }
        }

        return result;
    }

    /// <summary>Minutes without progress of each running backtest job (<c>backtest:ID</c>) and sync (<c>sync:ID</c>).</summary>
    private async Task<IEnumerable<Observation>> JobsAsync(DateTimeOffset now)
    {
        var running = new List<(string Subject, string Progress, DateTimeOffset KnownSince)>();
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in await GrainFactory.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ListAsync(500).ConfigureAwait(true))
        {
            if (job.State == JobState.Running)
            {
                var subject = "backtest:" + job.JobId;
                running.Add((subject, string.Create(CultureInfo.InvariantCulture, $"{job.Stage} {job.Fraction:R}"), job.Fraction > 0 ? now : job.StartedAt ?? now));
                details[subject] = string.Create(CultureInfo.InvariantCulture, $"{job.Label}: {job.Stage}, {job.Fraction:P0}, started {job.StartedAt:yyyy-MM-dd HH:mm} UTC on {job.Silo}");
            }
        }

        var sync = await GrainFactory.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key).GetStatusAsync().ConfigureAwait(true);
        if (sync.State == SyncState.Running)
        {
            var subject = "sync:" + sync.JobId;
            running.Add((subject, string.Create(CultureInfo.InvariantCulture, $"{sync.CurrentDataset} {sync.Stage} {sync.Fraction:R}"), sync.Fraction > 0 ? now : sync.StartedAt ?? now));
            details[subject] = string.Create(CultureInfo.InvariantCulture, $"{sync.CurrentDataset}: {sync.Stage}, {sync.Fraction:P0}, started {sync.StartedAt:yyyy-MM-dd HH:mm} UTC");
        }

        return _progress.Look(running, now).Select(p => new Observation(AlertCondition.JobStuck, p.Subject, p.Minutes, now,
            details.TryGetValue(p.Subject, out var d) ? d : "no longer running"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert sweep: {Condition} could not be looked at ({Reason})")]
    private static partial void LogSweepFailed(ILogger logger, string condition, string reason);
}
