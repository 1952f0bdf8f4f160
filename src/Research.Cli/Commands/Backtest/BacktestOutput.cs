using System.CommandLine;
using System.Globalization;
using Research.Backtesting.Jobs;
using Research.Backtesting.Metrics;
using Research.Backtesting.Results;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;
using Spectre.Console;

namespace Research.Cli.Commands.Backtest;

/// <summary>How the backtest commands print jobs, results and metrics (tables, or JSON with <c>--json</c>).</summary>
internal static class BacktestOutput
{
    public static void WriteStatuses(CliOutput output, ParseResult parse, IReadOnlyList<BacktestJobStatus> jobs)
    {
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson<object>(jobs.Count == 1 ? jobs[0] : jobs);
            return;
        }

        if (!output.Interactive)
        {
            // Into a pipe or a file: one tab-separated line per job, no wrapping, ready for cut, awk or a spreadsheet.
            output.Out.WriteLine("job\tkind\tlabel\tstate\tprogress\tstage\tpriority\tuser\tsubmitted_utc\tsilo");
            foreach (var s in jobs)
            {
                output.Out.WriteLine(string.Join('\t', s.JobId, WireNames.Of(s.Kind), Cell(s.Label), WireNames.Of(s.State), s.Fraction.ToString("0.###", CultureInfo.InvariantCulture),
                    Cell(s.Stage), WireNames.Of(s.Priority), Cell(s.RequestedBy), s.SubmittedAt?.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty, Cell(s.Silo ?? string.Empty)));
            }

            foreach (var s in jobs.Where(j => j.Error is not null))
            {
                output.Info($"{s.JobId}: {s.Error}");
            }

            return;
        }

        var table = new Table().AddColumns("Job", "Kind", "Label", "State", "Progress", "Priority", "User", "Submitted (UTC)", "Silo");
        foreach (var s in jobs)
        {
            table.AddRow(s.JobId, WireNames.Of(s.Kind), Markup.Escape(s.Label), WireNames.Of(s.State), Markup.Escape($"{s.Fraction:P0} {s.Stage}"), WireNames.Of(s.Priority), Markup.Escape(s.RequestedBy),
                s.SubmittedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty, Markup.Escape(s.Silo ?? string.Empty));
        }

        output.Console.Write(table);
        foreach (var s in jobs.Where(j => j.Error is not null))
        {
            output.Info($"{s.JobId}: {s.Error}");
        }
    }

    public static void WriteResult(CliOutput output, ParseResult parse, BacktestJobResult r)
    {
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(new
            {
                r.JobId,
                r.Kind,
                r.Label,
                metrics = System.Text.Json.JsonDocument.Parse(r.MetricsJson).RootElement,
                r.MetricsSha256,
                r.DataVersions,
                r.SeriesFolder,
                r.SeriesSha256,
                r.CreatedAt,
            });
            return;
        }

        var lines = r.Metrics.Select(m => (m.Group, m.Label, m.Display)).ToList();
        if (r.Kind == JobKind.WalkForward)
        {
            var w = ResultDocuments.Deserialize<WalkForwardSummary>(r.MetricsJson);
            var table = new Table().Title($"{r.Label}: {w.Windows.Count} windows").AddColumns("Test window", "Chosen", "In-sample", "Out-of-sample");
            foreach (var window in w.Windows)
            {
                table.AddRow($"{window.TestStart:yyyy-MM-dd}..{window.TestEnd:yyyy-MM-dd}", Markup.Escape(window.Chosen), window.InSampleMetric.ToString("F2", CultureInfo.InvariantCulture), window.OutOfSampleMetric.ToString("F2", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            WriteSheet(output, $"{r.Label}: out of sample (stitched) and overfitting", lines);
        }
        else if (r.Kind == JobKind.MonteCarlo)
        {
            // Each metric's group holds its lower, median and upper line, in that order.
            var table = new Table().Title(Markup.Escape(r.Label)).AddColumns("Metric", "Lower", "Median", "Upper");
            foreach (var group in r.Metrics.Where(m => m.Group != MetricSheet.Simulation).GroupBy(m => m.Group))
            {
                table.AddRow([Markup.Escape(group.Key), .. group.Select(m => m.Display)]);
            }

            output.Console.Write(table);
            WriteSheet(output, "paths", lines.Where(l => l.Group == MetricSheet.Simulation));
        }
        else if (r.Kind == JobKind.SignalSweep)
        {
            var sweep = ResultDocuments.Deserialize<Research.Backtesting.Signals.SignalSweepSummary>(r.MetricsJson);
            var h = sweep.Horizons[0];
            var table = new Table().Title($"{Markup.Escape(r.Label)}: the 20 strongest variants by |rank IC t| at {h} session(s)")
                .AddColumns("Variant", "Mean rank IC", "t (NW)", "p", "Holm", "BH", "Spread", "Turnover (top)", "What varies");
            foreach (var v in sweep.Variants.Where(v => v.Error is null).OrderByDescending(v => Math.Abs(v.Horizons[0].RankIc.NeweyWestT)).ThenBy(v => v.Index).Take(20))
            {
                table.AddRow(Markup.Escape(v.Name), F(v.Horizons[0].RankIc.Mean, "F4"), F(v.Horizons[0].RankIc.NeweyWestT, "F2"), F(v.PValue, "F4"), F(sweep.Holm[v.Index], "F4"),
                    F(sweep.BenjaminiHochberg[v.Index], "F4"), F(v.Horizons[0].Spread, "P2"), F(v.TopTurnover, "P0"),
                    Markup.Escape(Research.Analytics.Alpha.Signals.SignalDefinition.Parse(v.Definition, v.Name).Description));
            }

            output.Console.Write(table);
            foreach (var failed in sweep.Variants.Where(v => v.Error is not null))
            {
                output.Info($"{failed.Name} not evaluated: {failed.Error}");
            }

            WriteSheet(output, r.Label, lines);
        }
        else
        {
            WriteSheet(output, r.Label, lines);
        }

        output.Info($"job {r.JobId}; series {r.SeriesFolder} (sha256 {r.SeriesSha256[..12]}...); data {string.Join(", ", r.DataVersions.Select(p => $"{p.Key}@{p.Value}"))}");
    }

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>A value for a tab-separated line: tabs and line breaks become spaces.</summary>
    private static string Cell(string value) => value.Replace('\t', ' ').ReplaceLineEndings(" ");

    public static void WriteMetrics(CliOutput output, string strategy, BacktestMetrics m) =>
        WriteSheet(output, strategy, MetricSheet.Of(m).Select(l => (l.Group, l.Label, l.Display)));

    /// <summary>Labelled metrics as a table: group, metric, value.</summary>
    private static void WriteSheet(CliOutput output, string title, IEnumerable<(string Group, string Label, string Display)> lines)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns("Group", "Metric", "Value");
        foreach (var (group, label, display) in lines)
        {
            table.AddRow(Markup.Escape(group), Markup.Escape(label), Markup.Escape(display));
        }

        output.Console.Write(table);
    }
}
