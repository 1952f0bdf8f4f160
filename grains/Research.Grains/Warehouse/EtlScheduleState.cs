using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Warehouse;

/// <summary>Persisted state of the <see cref="EtlScheduleGrain"/>.</summary>
[GenerateSerializer, Alias("research.warehouse.EtlScheduleState")]
public sealed class EtlScheduleState
{
    [Id(0)]
    public EtlSchedule? Schedule { get; set; }

    /// <summary>When the schedule was set: occurrences before it are never run.</summary>
    [Id(1)]
    public DateTimeOffset SetAt { get; set; }

    /// <summary>The cron occurrence the last scheduled run served (the next one is due after it).</summary>
    [Id(2)]
    public DateTimeOffset? LastServed { get; set; }

    /// <summary>The occurrence served before that (restored when a run is interrupted, so it runs again).</summary>
    [Id(3)]
    public DateTimeOffset? PreviousServed { get; set; }

    [Id(4)]
    public EtlRunSummary? LastRun { get; set; }
}
