using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Reports;

/// <summary>Makes reports (HTML and PDF, archived with the data versions they read) and serves the archive. Key: 0.</summary>
[Alias("research.reports.report")]
public interface IReportGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Makes a report of <paramref name="template"/> about <paramref name="subject"/> now, archives it and sends it to
    /// <paramref name="channels"/> (alert channels; may be empty). An unknown template, subject or channel is refused by name.
    /// </summary>
    [Alias("run")]
    [RequiresAction(ResearchActions.ReportsRun)]
    Task<ReportInfo> RunAsync(string template, string? subject, string[] channels);

    /// <summary>The newest <paramref name="limit"/> archived reports (at most 500), optionally of one template.</summary>
    [Alias("list")]
    [RequiresAction(ResearchActions.ReportsView)]
    Task<ReportInfo[]> ListAsync(int limit, string? template);

    /// <summary>One archived report, or null.</summary>
    [Alias("get")]
    [RequiresAction(ResearchActions.ReportsView)]
    Task<ReportInfo?> GetAsync(string id);

    /// <summary>A report's <c>html</c> or <c>pdf</c>; audited.</summary>
    [Alias("download")]
    [RequiresAction(ResearchActions.ReportsView)]
    Task<ReportFile> DownloadAsync(string id, string format);

    /// <summary>Sends an archived report again to <paramref name="channels"/>; the deliveries are added to its history.</summary>
    [Alias("resend")]
    [RequiresAction(ResearchActions.ReportsSchedule)]
    Task<ReportInfo> ResendAsync(string id, string[] channels);
}
