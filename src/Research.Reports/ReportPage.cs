using System.Globalization;
using System.Net;
using System.Text;

namespace Research.Reports;

/// <summary>The parts every report page shares: what it covers, when it was made, and the data versions it read.</summary>
internal static class ReportPage
{
    /// <summary>The lines under the title: generated when, about what, and a table of the data versions (dataset, version).</summary>
    public static string Preamble(DateTimeOffset generatedAt, string? subject, IReadOnlyDictionary<string, string> versions, string? note = null)
    {
        var html = new StringBuilder();
        html.Append("<p id=\"generated\">Generated ").Append(E(generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append(subject is null ? string.Empty : " for " + E(subject)).Append(".</p>\n");
        if (note is not null)
        {
            html.Append("<p id=\"note\">").Append(E(note)).Append("</p>\n");
        }

        html.Append("<h2>Data versions</h2>\n<table id=\"versions\"><tr><th>Dataset</th><th>Version</th></tr>");
        if (versions.Count == 0)
        {
            html.Append("<tr><td colspan=\"2\">none recorded</td></tr>");
        }

        foreach (var (dataset, version) in versions.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(E(dataset)).Append("</td><td>").Append(E(version)).Append("</td></tr>");
        }

        return html.Append("</table>\n").ToString();
    }

    public static string E(string text) => WebUtility.HtmlEncode(text);
}
