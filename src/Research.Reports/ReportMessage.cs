using System.Globalization;
using System.Text;
using Research.Alerts;

namespace Research.Reports;

/// <summary>
/// A report as a message on an alert channel: the title, when and why it was made, its headline lines, the data
/// versions, the console link; by email the PDF goes along (the HTML when there is no PDF).
/// </summary>
public static class ReportMessage
{
    public static AlertMessage Of(ArchivedReport report, Uri link, byte[]? pdf, byte[] html)
    {
        ArgumentNullException.ThrowIfNull(report);
        var body = new StringBuilder()
            .Append(report.Title).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"Generated {report.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({report.Trigger}, by {report.RequestedBy}); report {report.Id}.\n\n");
        foreach (var line in report.Highlights)
        {
            body.Append("- ").Append(line).Append('\n');
        }

        body.Append("\nData versions: ").Append(report.DataVersions.Count == 0 ? "none recorded" : string.Join(", ", report.DataVersions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value}")))
            .Append("\nOpen it in the console: ").Append(link);
        if (pdf is null && report.PdfError is not null)
        {
            body.Append("\nNo PDF: ").Append(report.PdfError).Append(" The HTML page is attached.");
        }

        MessageAttachment file = pdf is null
            ? new($"report-{report.Id}.html", "text/html; charset=utf-8", html)
            : new($"report-{report.Id}.pdf", "application/pdf", pdf);
        return new AlertMessage(0, "Report: " + report.Title, body.ToString(), AlertSeverity.Info, link, false, [file]);
    }
}
