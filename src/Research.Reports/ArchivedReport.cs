namespace Research.Reports;

/// <summary>
/// One report in the archive: what it is (template, subject, title), when and why it was made (<see cref="Trigger"/>:
/// <c>manual</c> or <c>schedule NAME</c>), the data versions it read, its headline lines, its files (HTML always; the
/// PDF, or why there is none) and every delivery made of it.
/// </summary>
public sealed record ArchivedReport(
    string Id,
    string Template,
    string? Subject,
    string Title,
    DateTimeOffset CreatedAt,
    string Trigger,
    string RequestedBy,
    IReadOnlyDictionary<string, string> DataVersions,
    IReadOnlyList<string> Highlights,
    string HtmlSha256,
    string? PdfSha256,
    long PdfBytes,
    string? PdfError,
    IReadOnlyList<ReportDelivery> Deliveries);

/// <summary>One delivery of a report to an alert channel, with the outcome of its last attempt.</summary>
public sealed record ReportDelivery(string Channel, DateTimeOffset At, bool Delivered, int Attempts, string? Reason, string RequestedBy);
