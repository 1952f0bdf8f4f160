using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Research.Data.Fetching;

/// <summary>
/// The fetcher's usage metrics on the <c>Research.Data.Fetcher</c> meter (exported by OpenTelemetry in the silo and the
/// console): <c>research.fetch.calls</c>, <c>research.fetch.cache_hits</c>, <c>research.fetch.failures</c> (counters, tagged
/// with the provider as <c>source</c>, failures also with <c>reason</c>: not_found or error) and
/// <c>research.fetch.latency</c> (a histogram in milliseconds, per provider).
/// </summary>
public sealed class FetcherMetrics : IDisposable
{
    public const string MeterName = "Research.Data.Fetcher";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _latency;

    public FetcherMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("research.fetch.calls", description: "Provider calls made by the fetcher");
        _hits = _meter.CreateCounter<long>("research.fetch.cache_hits", description: "Calls answered from a local cache without a request");
        _failures = _meter.CreateCounter<long>("research.fetch.failures", description: "Calls that failed (the chain moved on)");
        _latency = _meter.CreateHistogram<double>("research.fetch.latency", unit: "ms", description: "Time of one provider call");
    }

    /// <summary>The meter (one per instance; listeners can tell instances apart by it).</summary>
    public Meter Meter => _meter;

    internal void Served(string source, bool fromCache, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("source", source);
        _calls.Add(1, tag);
        if (fromCache)
        {
            _hits.Add(1, tag);
        }

        _latency.Record(elapsed.TotalMilliseconds, tag);
    }

    internal void Failed(string source, bool notFound, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("source", source);
        _calls.Add(1, tag);
        _failures.Add(1, tag, new KeyValuePair<string, object?>("reason", notFound ? "not_found" : "error"));
        _latency.Record(elapsed.TotalMilliseconds, tag);
    }

    internal static TimeSpan Since(long start) => Stopwatch.GetElapsedTime(start);

    public void Dispose() => _meter.Dispose();
}
