using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Health;

/// <summary>Latency counts of one operation over one interval, from one source (a silo's grain calls, a console's pages).</summary>
/// <param name="Kind"><c>grain</c> (Interface.Method) or <c>page</c> (an HTTP route of the console).</param>
/// <param name="Counts">Counts per <c>LatencyHistogram</c> bucket.</param>
[GenerateSerializer, Immutable, Alias("research.health.LatencySample")]
public sealed record LatencySample([property: Id(0)] string Kind, [property: Id(1)] string Key, [property: Id(2)] long[] Counts);

/// <summary>What one source measured over its last interval.</summary>
[GenerateSerializer, Immutable, Alias("research.health.LatencyReport")]
public sealed record LatencyReport([property: Id(0)] string Source, [property: Id(1)] DateTimeOffset At, [property: Id(2)] LatencySample[] Samples);

/// <summary>One check: <c>healthy</c>, <c>degraded</c> or <c>down</c>, and what it saw.</summary>
[GenerateSerializer, Immutable, Alias("research.health.HealthCheckView")]
public sealed record HealthCheckView([property: Id(0)] string Name, [property: Id(1)] string Status, [property: Id(2)] string Detail);

/// <summary>A silo's membership status and load (from the runtime's statistics; NaN when the silo did not answer).</summary>
[GenerateSerializer, Immutable, Alias("research.health.SiloLoadView")]
public sealed record SiloLoadView(
    [property: Id(0)] string Address,
    [property: Id(1)] string Status,
    [property: Id(2)] int Activations,
    [property: Id(3)] double CpuPercent,
    [property: Id(4)] double MemoryMegabytes,
    [property: Id(5)] int Clients,
    [property: Id(6)] bool Overloaded);

/// <summary>Latency percentiles of one operation over the last minute, from every source that reported it.</summary>
[GenerateSerializer, Immutable, Alias("research.health.LatencyView")]
public sealed record LatencyView([property: Id(0)] string Kind, [property: Id(1)] string Key, [property: Id(2)] long Count, [property: Id(3)] double P50, [property: Id(4)] double P95, [property: Id(5)] double P99);

/// <summary>When something last succeeded (null: never).</summary>
[GenerateSerializer, Immutable, Alias("research.health.LastSuccessView")]
public sealed record LastSuccessView([property: Id(0)] string What, [property: Id(1)] DateTimeOffset? At, [property: Id(2)] string Detail);

/// <summary>The platform's health: the worst of the checks, the reasons for it, and what was measured.</summary>
[GenerateSerializer, Immutable, Alias("research.health.SystemHealthView")]
public sealed record SystemHealthView(
    [property: Id(0)] DateTimeOffset AsOf,
    [property: Id(1)] string Status,
    [property: Id(2)] string[] Reasons,
    [property: Id(3)] HealthCheckView[] Checks,
    [property: Id(4)] SiloLoadView[] Silos,
    [property: Id(5)] LatencyView[] Latency,
    [property: Id(6)] LastSuccessView[] LastSuccesses,
    [property: Id(7)] int TotalActivations);

/// <summary>
/// The platform's health (key 0): silos and their load, activations, grain storage, the warehouse's sync lock, the
/// backtest queue, breakers, latency percentiles per grain call and per console page over the last minute, and the last
/// successful sync, backtest, rebalance and order. Healthy, degraded or down with reasons. A snapshot is reused for two
/// seconds (a page refreshed by many users costs one gathering).
/// </summary>
[Alias("research.health")]
public interface IHealthGrain : IGrainWithIntegerKey
{
    [Alias("get")]
    [RequiresAction(ResearchActions.HealthView)]
    Task<SystemHealthView> GetAsync();

    [Alias("report")]
    [Orleans.Concurrency.OneWay]
    [PlatformInternal("silos and consoles report the latency they measured every few seconds")]
    Task ReportAsync(LatencyReport report);
}
