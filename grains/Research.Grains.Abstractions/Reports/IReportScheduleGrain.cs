using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Reports;

/// <summary>
/// The report schedules (key: <c>reports</c>): kept in grain state and served by a durable reminder, so a schedule
/// outlives the silo it was set on; each occurrence makes its report once, archives it and sends it.
/// </summary>
[Alias("research.reports.schedule")]
public interface IReportScheduleGrain : IGrainWithStringKey
{
    /// <summary>The key of the one schedule grain.</summary>
    const string Key = "reports";

    /// <summary>Sets (or replaces) a schedule by name; a bad cron, time zone, template, subject or channel is refused naming it.</summary>
    [Alias("set")]
    [RequiresAction(ResearchActions.ReportsSchedule)]
    Task<ReportScheduleStatus> SetAsync(ReportSchedule schedule);

    /// <summary>Removes a schedule (a run in progress finishes); false when there was none of that name.</summary>
    [Alias("remove")]
    [RequiresAction(ResearchActions.ReportsSchedule)]
    Task<bool> RemoveAsync(string name);

    /// <summary>Runs a schedule now (refused while it runs).</summary>
    [Alias("run-now")]
    [RequiresAction(ResearchActions.ReportsSchedule)]
    Task<ReportScheduleStatus> RunNowAsync(string name);

    /// <summary>Every schedule with its next occurrence and last run.</summary>
    [Alias("list")]
    [RequiresAction(ResearchActions.ReportsView)]
    Task<ReportScheduleStatus[]> ListAsync();
}
