using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Health;

namespace Research.Grains.Client.Monitoring;

/// <summary>
/// Latency per operation in this process, in mergeable histograms (for the health grain) and on the
/// <c>Research.Platform</c> meter's <c>research.call.duration</c> histogram (ms, tagged kind and operation, for
/// OpenTelemetry exporters).
/// </summary>
public sealed class LatencyRecorder : IDisposable
{
    public const string MeterName = "Research.Platform";

    private readonly ConcurrentDictionary<(string Kind, string Key), LatencyHistogram> _histograms = new();
    private readonly Meter _meter;
    private readonly Histogram<double> _duration;

    public LatencyRecorder(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>("research.call.duration", "ms", "Duration of grain calls (in the silo) and console page requests");
    }

    public void Record(string kind, string key, TimeSpan duration)
    {
        _histograms.GetOrAdd((kind, key), _ => new LatencyHistogram()).Record(duration);
        _duration.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("operation", key));
    }

    /// <summary>What was recorded since the last call (operations without calls left out).</summary>
    public LatencySample[] Take() =>
        [.. _histograms.Select(h => new LatencySample(h.Key.Kind, h.Key.Key, h.Value.TakeCounts())).Where(s => s.Counts.Any(c => c > 0))];

    public void Dispose() => _meter.Dispose();
}

/// <summary>Sends what a <see cref="LatencyRecorder"/> measured to the health grain every 10 seconds (one-way; a lost report is a gap in a minute's window).</summary>
public sealed partial class LatencyReporter(LatencyRecorder recorder, IGrainFactory grains, TimeProvider clock, string source, ILogger<LatencyReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var samples = recorder.Take();
            if (samples.Length == 0)
            {
                continue;
            }

            try
            {
                await grains.GetGrain<IHealthGrain>(0).ReportAsync(new LatencyReport(source, clock.GetUtcNow(), samples)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
            {
                LogLost(logger, e, source);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Source}: a latency report could not be sent (the cluster is not reachable yet)")]
    private static partial void LogLost(ILogger logger, Exception exception, string source);
}
