namespace Research.Grains.Abstractions.Warehouse;

/// <summary>A dataset's ETL schedule (null when none), its next run, and its current or last run.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.EtlScheduleStatus")]
public sealed record EtlScheduleStatus(
    [property: Id(0)] string Dataset,
    [property: Id(1)] EtlSchedule? Schedule,
    [property: Id(2)] DateTimeOffset? NextRunAt,
    [property: Id(3)] EtlRunSummary? LastRun);
