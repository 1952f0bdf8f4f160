using System.Globalization;
using System.Text;
using Research.Analytics.Risk;
using Research.Backtesting.Results;
using Research.Backtesting.TearSheets;
using Research.Data.Warehouse;

namespace Research.Reports;

/// <summary>
/// The risk report (template <c>risk</c>; subject: a job id): the latest positions a stored backtest holds,
/// run through the risk dashboard's own computation (<see cref="RiskDashboardRun"/>, the same numbers as the console's
/// risk page with the market benchmark and default settings) on the stored model's forecast of that date: volatility
/// and tracking error, exposures and contributions by factor (with a bar chart), the largest positions by risk,
/// VaR and ES by three methods at 95 and 99%, stress scenarios, budgets (breaches marked) and the conventions. The data
/// versions listed are the backtest's and the risk model's.
/// </summary>
public static class RiskReport
{
    /// <summary>Positions listed in the report (largest contribution first).</summary>
    public const int Positions = 20;

    public static async Task<ReportDocument> BuildAsync(WarehouseLayout layout, BacktestSeriesStore series, IBacktestResultIndex index, string jobId, DateTimeOffset at, TimeProvider clock,
        RiskDashboardSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(index);
        var row = await index.GetAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new ArgumentException($"subject: job '{jobId}' has no stored result.");
        if (RiskDashboardRun.Missing(layout) is { } missing)
        {
            throw new ArgumentException(missing);
        }

        var (date, positions) = await series.ReadPositionsOnAsync(row.JobId, null, cancellationToken).ConfigureAwait(false);
        if (date is null || positions.Count == 0)
        {
            throw new ArgumentException($"subject: job '{row.JobId}' ({row.Kind}) stores no positions to measure.");
        }

        settings ??= new RiskDashboardSettings();
        var run = await Task.Run(() =>
        {
            using var session = RiskDashboardRun.Open(layout, clock);
            return RiskDashboardRun.Of(session, [.. positions.Select(p => (p.Permno.ToString(CultureInfo.InvariantCulture), p.Weight))], date, "market", null, settings, Positions);
        }, cancellationToken).ConfigureAwait(false);

        var versions = new Dictionary<string, string>(ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions), StringComparer.Ordinal);
        foreach (var (dataset, version) in run.DataVersions)
        {
            versions[dataset] = version;
        }

        var report = run.Result.Report;
        var title = $"Risk of backtest {row.JobId}: {row.Label}";
        var note = $"Positions of {date:yyyy-MM-dd} (the latest the run stored), {run.Holdings.Count} stocks, on the forecast of {report.ForecastDate:yyyy-MM-dd}; benchmark: {run.BenchmarkName}.";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>").Append(TearSheetHtml.Style)
            .Append(".bar-pos{fill:#2f6fb0}.bar-neg{fill:#b8412f}.axis{stroke:#555;stroke-width:1}</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n")
            .Append(ReportPage.Preamble(at, $"job {row.JobId}", versions, note));

        var scale = Research.Core.Calendars.Annualisation.VolatilityScale;
        html.Append("<h2>Volatility</h2>\n<table id=\"volatility\"><tr><th></th><th>Daily</th><th>Annualised</th></tr>");
        void Vol(string name, double? daily)
        {
            html.Append("<tr><td>").Append(E(name)).Append("</td>").Append(daily is { } d ? Pct(d, 3) + Pct(d * scale, 2) : "<td>none</td><td>none</td>").Append("</tr>");
        }

        Vol("Total", report.Risk.Volatility);
        Vol("Factor", report.Risk.FactorVolatility);
        Vol("Specific", report.Risk.SpecificVolatility);
        Vol("Tracking error against the benchmark", report.TrackingError?.Daily);
        html.Append("</table>\n");

        html.Append("<h2>Risk contribution by factor</h2>\n").Append(Bars([.. run.Result.Exposures.Select((e, k) => (e.Factor, report.ByFactor[k].Contribution)), ("specific", report.Risk.ComponentSpecific)]));
        html.Append("<table id=\"factors\"><tr><th>Factor</th><th>Portfolio</th><th>Benchmark</th><th>Active</th><th>Contribution (daily)</th></tr>");
        foreach (var (e, k) in run.Result.Exposures.Select((e, k) => (e, k)).OrderByDescending(x => Math.Abs(report.ByFactor[x.k].Contribution)))
        {
            html.Append("<tr><td>").Append(E(e.Factor)).Append("</td>").Append(Num(e.Portfolio)).Append(Num(e.Benchmark)).Append(Num(e.Active)).Append(Pct(report.ByFactor[k].Contribution, 3)).Append("</tr>");
        }

        html.Append("<tr><td>specific</td><td></td><td></td><td></td>").Append(Pct(report.Risk.ComponentSpecific, 3)).Append("</tr></table>\n");

        html.Append("<h2>Largest positions by risk</h2>\n<table id=\"positions\"><tr><th>PERMNO</th><th>Ticker</th><th>Weight</th><th>Marginal</th><th>Contribution (daily)</th></tr>");
        foreach (var a in report.ByAsset.OrderByDescending(a => Math.Abs(a.Contribution)).Take(Positions))
        {
            var ticker = run.Names.TryGetValue((a.Permno, report.ForecastDate), out var n) ? n.Ticker ?? string.Empty : string.Empty;
            html.Append("<tr><td>").Append(a.Permno).Append("</td><td>").Append(E(ticker)).Append("</td>").Append(Pct(a.Weight, 2)).Append(Num(a.Marginal)).Append(Pct(a.Contribution, 3)).Append("</tr>");
        }

        html.Append("</table>\n<h2>Value at risk and expected shortfall (one day)</h2>\n<table id=\"var\"><tr><th>Method</th><th>Confidence</th><th>VaR</th><th>ES</th></tr>");
        foreach (var m in run.Result.Measures)
        {
            html.Append("<tr><td>").Append(E(m.Method)).Append("</td>").Append(Pct(m.Confidence, 0)).Append(Pct(m.ValueAtRisk, 2)).Append(Pct(m.ExpectedShortfall, 2)).Append("</tr>");
        }

        html.Append("</table>\n<h2>Stress scenarios (systematic P&amp;L at today's exposures)</h2>\n<table id=\"stress\"><tr><th>Scenario</th><th>What</th><th>P&amp;L</th><th>Sessions</th></tr>");
        foreach (var s in run.Result.Scenarios)
        {
            html.Append("<tr><td>").Append(E(s.Name)).Append("</td><td class=\"wrap\">").Append(E(s.Description)).Append("</td>")
                .Append(s.Result is { } r ? Pct(r.Total, 2) + $"<td class=\"n\">{r.Sessions}</td>" : $"<td colspan=\"2\">not run: {E(s.Unavailable ?? "no data")}</td>").Append("</tr>");
        }

        html.Append("</table>\n<h2>Budgets</h2>\n<table id=\"budgets\"><tr><th>Factor</th><th>Active</th><th>Limit</th><th>Pattern</th><th>Utilisation</th></tr>");
        foreach (var b in run.Result.Budgets)
        {
            html.Append(b.Breached ? "<tr class=\"bad\">" : "<tr>").Append("<td>").Append(E(b.Factor)).Append("</td>").Append(Num(b.Active)).Append(Num(b.Limit)).Append("<td>").Append(E(b.Pattern)).Append("</td>")
                .Append(Pct(b.Utilisation, 0)).Append("</tr>");
        }

        html.Append("</table>\n<h2>Conventions</h2>\n<ul>");
        foreach (var c in run.Conventions)
        {
            html.Append("<li>").Append(E(c)).Append("</li>");
        }

        html.Append("</ul>\n</body></html>\n");
        var parametric99 = run.Result.Measures.FirstOrDefault(m => m.Method == RiskDashboard.Parametric && Math.Abs(m.Confidence - 0.99) < 1e-12);
        var breached = run.Result.Budgets.Where(b => b.Breached).Select(b => b.Factor).ToList();
        var highlights = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Volatility: {report.Risk.Volatility * scale:P2} annualised ({report.Risk.Volatility:P3} a day)"),
            report.TrackingError is { } te ? string.Create(CultureInfo.InvariantCulture, $"Tracking error: {te.Annualised:P2} annualised") : "Tracking error: no benchmark",
            parametric99 is null ? "VaR 99%: not computed" : string.Create(CultureInfo.InvariantCulture, $"VaR 99% (parametric, one day): {parametric99.ValueAtRisk:P2}"),
            breached.Count == 0 ? "Budgets: none breached" : $"Budgets breached: {string.Join(", ", breached)}",
        };
        return new ReportDocument(ReportTemplates.Risk, row.JobId, title, at, versions, highlights, html.ToString());
    }

    /// <summary>A horizontal bar per item (self-contained SVG): positive to the right, negative to the left of the axis.</summary>
    private static string Bars(IReadOnlyList<(string Label, double Value)> items)
    {
        const int Row = 18, Label = 150, Width = 420;
        var max = items.Count == 0 ? 1 : Math.Max(1e-12, items.Max(i => Math.Abs(i.Value)));
        var negative = items.Any(i => i.Value < 0);
        var zero = Label + (negative ? Width / 2.0 : 0);
        var span = negative ? Width / 2.0 : Width;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"factor-bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Label + Width + 80}\" height=\"{(items.Count * Row) + 10}\" font-size=\"11\">");
        for (var i = 0; i < items.Count; i++)
        {
            var (label, value) = items[i];
            var length = Math.Abs(value) / max * span;
            var x = value < 0 ? zero - length : zero;
            var y = (i * Row) + 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Label - 6}\" y=\"{y + 11}\" text-anchor=\"end\">{E(label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"{(value < 0 ? "bar-neg" : "bar-pos")}\" x=\"{x:F1}\" y=\"{y}\" width=\"{length:F1}\" height=\"{Row - 6}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{(value < 0 ? zero + 4 : zero + length + 4):F1}\" y=\"{y + 11}\">{value:P3}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{zero:F1}\" y1=\"0\" x2=\"{zero:F1}\" y2=\"{(items.Count * Row) + 6}\"/></svg>\n");
        return svg.ToString();
    }

    private static string Pct(double value, int decimals) =>
        "<td class=\"n\">" + value.ToString("P" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "</td>";

    private static string Num(double value) => "<td class=\"n\">" + value.ToString("F3", CultureInfo.InvariantCulture) + "</td>";

    private static string E(string text) => ReportPage.E(text);
}
