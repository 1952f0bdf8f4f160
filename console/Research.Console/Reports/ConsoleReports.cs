using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Reports;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Reports;

/// <summary>
/// The reports page's calls through <see cref="ConsoleActions"/>: the archive, making a report, schedules, resending
/// and downloading. The report grains audit what changes or reads a report (runs, schedule changes, downloads, resends)
/// with the user the console passes, so the console does not write a second row.
/// </summary>
public sealed class ConsoleReports(IClusterClient cluster, ConsoleActions actions)
{
    private IReportGrain Reports => cluster.GetGrain<IReportGrain>(0);

    private IReportScheduleGrain Schedules => cluster.GetGrain<IReportScheduleGrain>(IReportScheduleGrain.Key);

    public Task<(ReportInfo[] Archive, ReportScheduleStatus[] Schedules)> LoadAsync(ClaimsPrincipal user, bool refresh) =>
        actions.RunAsync(user, ResearchActions.ReportsView, "reports", async () =>
            (await Reports.ListAsync(50, null).ConfigureAwait(false), await Schedules.ListAsync().ConfigureAwait(false)),
            new ActionOptions(Audit: false, Touch: !refresh));

    public Task<ReportInfo> RunAsync(ClaimsPrincipal user, string template, string? subject, string[] channels) =>
        actions.RunAsync(user, ResearchActions.ReportsRun, template, () => Reports.RunAsync(template, subject, channels), new ActionOptions(Audit: false));

    public Task<ReportScheduleStatus> SetScheduleAsync(ClaimsPrincipal user, ReportSchedule schedule) =>
        actions.RunAsync(user, ResearchActions.ReportsSchedule, schedule.Name, () => Schedules.SetAsync(schedule), new ActionOptions(Audit: false));

    public Task<bool> RemoveScheduleAsync(ClaimsPrincipal user, string name) =>
        actions.RunAsync(user, ResearchActions.ReportsSchedule, name, () => Schedules.RemoveAsync(name), new ActionOptions(Audit: false));

    public Task<ReportScheduleStatus> RunScheduleAsync(ClaimsPrincipal user, string name) =>
        actions.RunAsync(user, ResearchActions.ReportsSchedule, name, () => Schedules.RunNowAsync(name), new ActionOptions(Audit: false));

    public Task<ReportInfo> ResendAsync(ClaimsPrincipal user, string id, string[] channels) =>
        actions.RunAsync(user, ResearchActions.ReportsSchedule, id, () => Reports.ResendAsync(id, channels), new ActionOptions(Audit: false));

    public Task<ReportFile> DownloadAsync(ClaimsPrincipal user, string id, string format) =>
        actions.RunAsync(user, ResearchActions.ReportsView, id, () => Reports.DownloadAsync(id, format), new ActionOptions(Audit: false));
}
