namespace Research.Grains.Abstractions.Reports;

/// <summary>
/// A report in the archive (see <c>Research.Reports.ArchivedReport</c>): template (<c>backtest</c>, <c>strategy</c>,
/// <c>data-quality</c>), subject, when and why it was made, the data versions it read, headline lines, whether it has a
/// PDF (or why not), and its deliveries.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.reports.Report")]
public sealed record ReportInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Template,
    [property: Id(2)] string? Subject,
    [property: Id(3)] string Title,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string Trigger,
    [property: Id(6)] string RequestedBy,
    [property: Id(7)] Dictionary<string, string> DataVersions,
    [property: Id(8)] string[] Highlights,
    [property: Id(9)] bool HasPdf,
    [property: Id(10)] string? PdfError,
    [property: Id(11)] ReportDeliveryInfo[] Deliveries);

/// <summary>One delivery of a report to an alert channel: delivered or not (with the reason), after how many attempts.</summary>
[GenerateSerializer, Immutable, Alias("research.reports.Delivery")]
public sealed record ReportDeliveryInfo(
    [property: Id(0)] string Channel,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] bool Delivered,
    [property: Id(3)] int Attempts,
    [property: Id(4)] string? Reason,
    [property: Id(5)] string RequestedBy);

/// <summary>A report's file (<c>report.html</c> or <c>report.pdf</c>) for download.</summary>
[GenerateSerializer, Immutable, Alias("research.reports.File")]
public sealed record ReportFile([property: Id(0)] string FileName, [property: Id(1)] string ContentType, [property: Id(2)] byte[] Content);

/// <summary>
/// A report schedule: template and subject, a cron expression (five fields) in an IANA time zone, the alert channels
/// the report is sent to (none: archived only).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.reports.Schedule")]
public sealed record ReportSchedule(
    [property: Id(0)] string Name,
    [property: Id(1)] string Template,
    [property: Id(2)] string? Subject,
    [property: Id(3)] string Cron,
    [property: Id(4)] string TimeZone,
    [property: Id(5)] string[] Channels,
    [property: Id(6)] string RequestedBy);

/// <summary>One run of a schedule: <c>running</c>, <c>archived</c> (with the report id) or <c>failed</c> (with the reason).</summary>
[GenerateSerializer, Immutable, Alias("research.reports.Run")]
public sealed record ReportRunSummary(
    [property: Id(0)] DateTimeOffset Started,
    [property: Id(1)] DateTimeOffset? Finished,
    [property: Id(2)] string Outcome,
    [property: Id(3)] string? ReportId,
    [property: Id(4)] string? Error,
    [property: Id(5)] string Trigger);

/// <summary>A schedule with its next occurrence and its last run.</summary>
[GenerateSerializer, Immutable, Alias("research.reports.ScheduleStatus")]
public sealed record ReportScheduleStatus(
    [property: Id(0)] ReportSchedule Schedule,
    [property: Id(1)] DateTimeOffset? NextRunAt,
    [property: Id(2)] ReportRunSummary? LastRun);
