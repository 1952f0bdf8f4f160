using System.CommandLine;
using System.Globalization;
using Research.Backtesting.Jobs;
using Research.Backtesting.Metrics;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Cli.Infrastructure;
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

        var table = new Table().AddColumns("Job", "Kind", "Label", "State", "Progress", "Priority", "User", "Submitted (UTC)", "Silo");
        foreach (var s in jobs)
        {
            table.AddRow(s.JobId, s.Kind, Markup.Escape(s.Label), s.State, Markup.Escape($"{s.Fraction:P0} {s.Stage}"), s.Priority, Markup.Escape(s.RequestedBy),
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

        if (r.Kind == BacktestJobStatus.KindBacktest)
        {
            WriteMetrics(output, r.Label, ResultDocuments.Deserialize<BacktestMetrics>(r.MetricsJson));
        }
        else if (r.Kind == BacktestJobStatus.KindWalkForward)
        {
            var w = ResultDocuments.Deserialize<WalkForwardSummary>(r.MetricsJson);
            var table = new Table().Title($"{r.Label}: {w.Windows.Count} windows").AddColumns("Test window", "Chosen", "In-sample", "Out-of-sample");
            foreach (var window in w.Windows)
            {
                table.AddRow($"{window.TestStart:yyyy-MM-dd}..{window.TestEnd:yyyy-MM-dd}", Markup.Escape(window.Chosen), window.InSampleMetric.ToString("F2", CultureInfo.InvariantCulture), window.OutOfSampleMetric.ToString("F2", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            WriteMetrics(output, "out of sample (stitched)", w.OutOfSample);
            output.Out.WriteLine($"efficiency {w.Efficiency:F2}, stability {w.Stability:P0}, PBO {(w.Pbo is { } p ? p.ToString("P0", CultureInfo.InvariantCulture) : "n/a (one grid point)")}, deflated Sharpe {w.DeflatedSharpe:F3}");
        }
        else
        {
            var m = ResultDocuments.Deserialize<MonteCarloSummary>(r.MetricsJson);
            var table = new Table().Title($"{r.Label}: {m.Paths:N0} paths, {m.Confidence:P0} intervals").AddColumns("Metric", "Lower", "Median", "Upper");
            void Row(string name, Interval? i, string format)
            {
                if (i is not null)
                {
                    table.AddRow(name, i.Lower.ToString(format, CultureInfo.InvariantCulture), i.Median.ToString(format, CultureInfo.InvariantCulture), i.Upper.ToString(format, CultureInfo.InvariantCulture));
                }
            }

            Row("Sharpe", m.Sharpe, "F2");
            Row("CAGR", m.Cagr, "P2");
            Row("Max drawdown", m.MaxDrawdown, "P2");
            Row("Terminal wealth", m.TerminalWealth, "F3");
            output.Console.Write(table);
        }

        output.Info($"job {r.JobId}; series {r.SeriesFolder} (sha256 {r.SeriesSha256[..12]}...); data {string.Join(", ", r.DataVersions.Select(p => $"{p.Key}@{p.Value}"))}");
    }

    public static void WriteMetrics(CliOutput output, string strategy, BacktestMetrics m)
    {
        var table = new Table().Title($"{strategy}: {m.From:yyyy-MM-dd}..{m.To:yyyy-MM-dd} ({m.Days} sessions)").AddColumns("Metric", "Value");
        void Row(string label, string value) => table.AddRow(label, value);
        Row("Total return", m.TotalReturn.ToString("P2", CultureInfo.InvariantCulture));
        Row("CAGR", m.Cagr.ToString("P2", CultureInfo.InvariantCulture));
        Row("Volatility (annual)", m.AnnualVolatility.ToString("P2", CultureInfo.InvariantCulture));
        Row("Sharpe (excess of rf)", m.Sharpe.ToString("F2", CultureInfo.InvariantCulture));
        Row("Sortino", m.Sortino.ToString("F2", CultureInfo.InvariantCulture));
        Row("Max drawdown", m.MaxDrawdown.ToString("P2", CultureInfo.InvariantCulture));
        Row("Calmar", m.Calmar.ToString("F2", CultureInfo.InvariantCulture));
        Row("Hit rate", m.HitRate.ToString("P1", CultureInfo.InvariantCulture));
        Row("Turnover (one-way, a year)", m.AnnualTurnover.ToString("P0", CultureInfo.InvariantCulture));
        Row("Costs (a year)", m.AnnualCosts.ToString("P2", CultureInfo.InvariantCulture));
        Row("Gross exposure (mean)", m.MeanGrossExposure.ToString("P0", CultureInfo.InvariantCulture));
        Row("Trades", m.Trades.ToString(CultureInfo.InvariantCulture));
        output.Console.Write(table);
    }
}
