using System.Globalization;
using System.Net;
using System.Text;
using Research.Backtesting.Metrics;

namespace Research.Backtesting.TearSheets;

/// <summary>A tear sheet as one self-contained HTML page (no scripts, no external files): the wealth curve and drawdown as inline SVG, then the tables.</summary>
public static class TearSheetHtml
{
    /// <summary>The page's style sheet (also used by the other self-contained reports, so they print alike). Ligatures are
    /// off so that an id copied out of a printed page is the id (Chromium would otherwise print "ff" in bt-…ff7 as one glyph).</summary>
    public const string Style =
        "body{font-family:system-ui,sans-serif;font-variant-ligatures:none;margin:2rem;max-width:60rem;color:#222}table{border-collapse:collapse;margin:1rem 0}" +
        "th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}" +
        "h2{margin-top:2rem}svg{border:1px solid #ddd;max-width:100%;height:auto}.neg{color:#b00}.bad{color:#b00;font-weight:600}td{white-space:nowrap}td.wrap{white-space:normal}" +
        "@page{size:A4;margin:12mm}@media print{body{margin:0;max-width:none;font-size:9pt}h2{margin-top:1rem}}";

    /// <summary>The page; <paramref name="preamble"/> (HTML, already escaped) goes under the title, e.g. what the sheet was computed from.</summary>
    public static string Render(TearSheet sheet, string title, string? preamble = null)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n").Append(preamble);
        html.Append("<h2>Wealth (from 1)</h2>\n").Append(Chart(sheet.Wealth, sheet.Benchmark is null ? null : PerformanceMetrics.Wealth(sheet.Benchmark), "wealth"));
        html.Append("<h2>Drawdown</h2>\n").Append(Chart(PerformanceMetrics.Drawdowns(sheet.Returns), null, "drawdown"));
        html.Append("<h2>Summary</h2>\n<table id=\"summary\">");
        foreach (var group in sheet.Lines.GroupBy(l => l.Group))
        {
            html.Append("<tr><th colspan=\"2\">").Append(E(group.Key)).Append("</th></tr>");
            foreach (var line in group)
            {
                html.Append("<tr><td>").Append(E(line.Label)).Append("</td><td class=\"n\">").Append(E(line.Display)).Append("</td></tr>");
            }
        }

        html.Append("</table>\n<h2>Calendar years</h2>\n<table id=\"years\"><tr><th>Year</th><th>Return</th>")
            .Append(sheet.Benchmark is null ? string.Empty : "<th>Benchmark</th>").Append("<th>Sessions</th></tr>");
        foreach (var y in sheet.Years)
        {
            html.Append("<tr><td>").Append(y.Year).Append("</td>").Append(Pct(y.Return))
                .Append(y.Benchmark is { } b ? Pct(b) : string.Empty).Append("<td class=\"n\">").Append(y.Sessions).Append("</td></tr>");
        }

        html.Append("</table>\n<h2>Worst drawdowns</h2>\n<table id=\"drawdowns\"><tr><th>Peak</th><th>Trough</th><th>Recovery</th><th>Depth</th><th>Sessions</th></tr>");
        foreach (var d in sheet.WorstDrawdowns)
        {
            html.Append("<tr><td>").Append(Day(d.Peak)).Append("</td><td>").Append(Day(d.Trough)).Append("</td><td>")
                .Append(d.Recovery is { } r ? Day(r) : "not recovered").Append("</td>").Append(Pct(d.Depth))
                .Append("<td class=\"n\">").Append(d.Sessions).Append("</td></tr>");
        }

        html.Append("</table>\n<h2>Conventions</h2>\n<ul>");
        foreach (var c in sheet.Conventions)
        {
            html.Append("<li>").Append(E(c)).Append("</li>");
        }

        return html.Append("</ul>\n</body></html>\n").ToString();
    }

    private static string Chart(double[] series, double[]? other, string id)
    {
        const int Width = 900, Height = 240;
        var all = other is null ? series : [.. series, .. other];
        var (low, high) = (all.Min(), all.Max());
        var span = high > low ? high - low : 1;
        string Path(double[] values) => string.Join(' ', values.Select((v, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{(values.Length == 1 ? 0 : i * (Width - 1.0) / (values.Length - 1)):F1},{Height - 1 - ((v - low) / span * (Height - 2)):F1}")));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{id}\">");
        if (other is not null)
        {
            svg.Append("<polyline fill=\"none\" stroke=\"#999\" stroke-width=\"1\" points=\"").Append(Path(other)).Append("\"/>");
        }

        svg.Append("<polyline fill=\"none\" stroke=\"#3f51b5\" stroke-width=\"1.5\" points=\"").Append(Path(series)).Append("\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"14\" font-size=\"11\">{high:G4}</text><text x=\"4\" y=\"{Height - 4}\" font-size=\"11\">{low:G4}</text></svg>\n");
        return svg.ToString();
    }

    private static string Pct(double value) =>
        $"<td class=\"n{(value < 0 ? " neg" : string.Empty)}\">{value.ToString("P2", CultureInfo.InvariantCulture)}</td>";

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
