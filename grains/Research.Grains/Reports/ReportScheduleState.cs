using Research.Grains.Abstractions.Reports;

namespace Research.Grains.Reports;

/// <summary>The report schedules by name, each with what it last served and ran.</summary>
[GenerateSerializer, Alias("research.reports.ScheduleState")]
public sealed class ReportScheduleState
{
    [Id(0)]
    public Dictionary<string, ScheduledReport> Schedules { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One schedule in <see cref="ReportScheduleState"/>.</summary>
[GenerateSerializer, Alias("research.reports.ScheduledReport")]
public sealed class ScheduledReport
{
    [Id(0)]
    public ReportSchedule Schedule { get; set; } = null!;

    /// <summary>When the schedule was set: occurrences before it are never run.</summary>
    [Id(1)]
    public DateTimeOffset SetAt { get; set; }

    /// <summary>The occurrence the last scheduled run served (the next one is due after it).</summary>
    [Id(2)]
    public DateTimeOffset? LastServed { get; set; }

    /// <summary>The occurrence served before that (restored when a run is lost with its silo, so it runs again).</summary>
    [Id(3)]
    public DateTimeOffset? PreviousServed { get; set; }

    [Id(4)]
    public ReportRunSummary? LastRun { get; set; }
}
