namespace Research.Reports;

/// <summary>
/// A rendered report: its self-contained HTML page, the data versions it was computed from (dataset to version id; a
/// report always says them), and a few headline lines for the archive and the delivery message.
/// </summary>
public sealed record ReportDocument(
    string Template,
    string? Subject,
    string Title,
    DateTimeOffset GeneratedAt,
    IReadOnlyDictionary<string, string> DataVersions,
    IReadOnlyList<string> Highlights,
    string Html);
