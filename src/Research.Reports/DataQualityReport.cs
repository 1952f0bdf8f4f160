using System.Globalization;
using System.Text;
using Research.Backtesting.TearSheets;
using Research.Data.Warehouse;

namespace Research.Reports;

/// <summary>
/// The warehouse's data quality (template <c>data-quality</c>): per dataset its current version, when it was published
/// and by whom, its rows, hours since publication, and its validation checks; a newer version that failed validation
/// (quarantined, never current) is listed with the checks that failed. The data versions of the report are the current
/// versions it describes.
/// </summary>
public static class DataQualityReport
{
    public static ReportDocument Build(WarehouseLayout layout, DateTimeOffset at)
    {
        var catalog = new WarehouseCatalog(layout);
        var current = catalog.CurrentManifests();
        var versions = current.ToDictionary(m => m.Dataset, m => m.VersionId, StringComparer.Ordinal);
        var rows = current.Select(m => (Current: m, Newest: catalog.Newest(m))).ToList();
        var failing = rows.Where(r => r.Current.Validation.Any(f => !f.Passed)).Select(r => r.Current.Dataset).ToList();
        var quarantined = rows.Where(r => r.Newest.VersionId != r.Current.VersionId).Select(r => r.Current.Dataset).ToList();
        const string Title = "Data quality";

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Title).Append("</title>\n<style>").Append(TearSheetHtml.Style)
            .Append("</style></head><body>\n<h1>").Append(Title).Append("</h1>\n")
            .Append(ReportPage.Preamble(at, null, versions, current.Count == 0 ? "The warehouse has no published dataset." : null));
        html.Append("<h2>Datasets</h2>\n<table id=\"datasets\"><tr><th>Dataset</th><th>Current version</th><th>Published</th><th>By</th><th>Rows</th><th>Age (hours)</th><th>Checks</th></tr>");
        foreach (var (m, _) in rows)
        {
            var failed = m.Validation.Count(f => !f.Passed);
            html.Append("<tr><td>").Append(ReportPage.E(m.Dataset)).Append("</td><td>").Append(ReportPage.E(m.VersionId)).Append("</td><td>")
                .Append(m.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</td><td>").Append(ReportPage.E(m.PublishedBy))
                .Append("</td><td class=\"n\">").Append(m.Rows.ToString("N0", CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(Math.Max(0, (at - m.PublishedAt).TotalHours).ToString("F1", CultureInfo.InvariantCulture))
                .Append("</td><td").Append(failed > 0 ? " class=\"bad\">" : ">")
                .Append(failed > 0 ? $"{failed} of {m.Validation.Count} failed" : $"all {m.Validation.Count} passed").Append("</td></tr>");
        }

        html.Append("</table>\n<h2>Failed checks</h2>\n<table id=\"failed\"><tr><th>Dataset</th><th>Version</th><th>Status</th><th>Rule</th><th>Column</th><th>Finding</th></tr>");
        var any = false;
        foreach (var (m, newest) in rows)
        {
            foreach (var version in newest.VersionId == m.VersionId ? [m] : new[] { newest, m })
            {
                foreach (var f in version.Validation.Where(f => !f.Passed))
                {
                    any = true;
                    html.Append("<tr><td>").Append(ReportPage.E(m.Dataset)).Append("</td><td>").Append(ReportPage.E(version.VersionId)).Append("</td><td>").Append(ReportPage.E(version.Status))
                        .Append("</td><td>").Append(ReportPage.E(f.Rule)).Append("</td><td>").Append(ReportPage.E(f.Column ?? string.Empty)).Append("</td><td class=\"wrap\">").Append(ReportPage.E(f.Message)).Append("</td></tr>");
                }
            }
        }

        if (!any)
        {
            html.Append("<tr><td colspan=\"6\">none: every check of every current and newer version passed</td></tr>");
        }

        html.Append("</table>\n</body></html>\n");
        var highlights = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{current.Count} dataset(s), {current.Sum(m => m.Rows):N0} rows"),
            failing.Count == 0 ? "every current version passed its checks" : $"current versions with failed checks: {string.Join(", ", failing)}",
            quarantined.Count == 0 ? "no version held back by validation" : $"newer versions held back by validation: {string.Join(", ", quarantined)}",
        };
        return new ReportDocument(ReportTemplates.DataQuality, null, Title, at, versions, highlights, html.ToString());
    }
}
