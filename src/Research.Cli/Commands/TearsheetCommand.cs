using System.CommandLine;
using System.Globalization;
using Research.Backtesting.TearSheets;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research tearsheet --returns FILE</c>: the result page's tear sheet for any daily return series (CSV date,return).</summary>
internal static class TearsheetCommand
{
    public static Command Create(CliOutput output)
    {
        var returns = new Option<string>("--returns") { Description = "CSV with a header and date,return rows (YYYY-MM-DD, decimal: 0.01 = 1%).", Required = true };
        var benchmark = new Option<string?>("--benchmark") { Description = "A benchmark in the same format; only the days both files have are used (the count left out is printed)." };
        var riskFree = new Option<double>("--risk-free") { Description = "Annual risk-free rate as a decimal (0.03 = 3%), spread evenly over 252 sessions (default 0).", DefaultValueFactory = _ => 0 }.Within(-0.5, 1);
        var window = new Option<int>("--window") { Description = "Sessions in the rolling window (default 126).", DefaultValueFactory = _ => RollingStatistics.DefaultWindow }.Positive();
        var html = new Option<string?>("--html") { Description = "Also write the tear sheet as one self-contained HTML page to this file." }.WritableFile();
        var command = new Command("tearsheet", "Tear sheet of a daily return series: performance, against a benchmark, calendar years, worst drawdowns, rolling figures.")
        {
            returns, benchmark, riskFree, window, html,
        };
        command.SetAction(parse =>
        {
            var series = ReturnSeriesFile.Read(parse.GetValue(returns)!);
            var (dates, values, bench) = (series.Dates, series.Returns, (double[]?)null);
            if (parse.GetValue(benchmark) is { } benchmarkFile)
            {
                var aligned = ReturnSeriesFile.Align(series, ReturnSeriesFile.Read(benchmarkFile));
                (dates, values, bench) = (aligned.Dates, aligned.Returns, aligned.Benchmark);
                if (aligned.DroppedReturns + aligned.DroppedBenchmark > 0)
                {
                    output.Info($"aligned on {dates.Length} common days: {aligned.DroppedReturns} day(s) of the returns and {aligned.DroppedBenchmark} of the benchmark have no partner and are left out");
                }
            }

            var annual = parse.GetValue(riskFree);
            var sheet = TearSheet.Of(dates, values, bench, Math.Pow(1 + annual, 1.0 / Research.Backtesting.Metrics.PerformanceMetrics.PeriodsPerYear) - 1, parse.GetValue(window));
            if (parse.GetValue(html) is { } file)
            {
                File.WriteAllText(file, TearSheetHtml.Render(sheet, $"Tear sheet: {Path.GetFileName(parse.GetValue(returns))}"));
                output.Info($"wrote {file}");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    lines = sheet.Lines.Select(l => new { l.Group, l.Key, l.Label, l.Value, l.Display }),
                    relative = sheet.Relative,
                    years = sheet.Years,
                    worstDrawdowns = sheet.WorstDrawdowns,
                    conventions = sheet.Conventions,
                });
                return;
            }

            var lines = new Table().Title("Tear sheet").AddColumns("Group", "Metric", "Value");
            foreach (var line in sheet.Lines)
            {
                lines.AddRow(Markup.Escape(line.Group), Markup.Escape(line.Label), Markup.Escape(line.Display));
            }

            output.Console.Write(lines);
            var years = new Table().Title("Calendar years").AddColumns(bench is null ? ["Year", "Return", "Sessions"] : ["Year", "Return", "Benchmark", "Sessions"]);
            foreach (var y in sheet.Years)
            {
                string[] row = y.Benchmark is { } b
                    ? [y.Year.ToString(CultureInfo.InvariantCulture), Pct(y.Return), Pct(b), y.Sessions.ToString(CultureInfo.InvariantCulture)]
                    : [y.Year.ToString(CultureInfo.InvariantCulture), Pct(y.Return), y.Sessions.ToString(CultureInfo.InvariantCulture)];
                years.AddRow(row);
            }

            output.Console.Write(years);
            var drawdowns = new Table().Title("Worst drawdowns").AddColumns("Peak", "Trough", "Recovery", "Depth", "Sessions");
            foreach (var d in sheet.WorstDrawdowns)
            {
                drawdowns.AddRow(Day(d.Peak), Day(d.Trough), d.Recovery is { } r ? Day(r) : "not recovered", Pct(d.Depth), d.Sessions.ToString(CultureInfo.InvariantCulture));
            }

            output.Console.Write(drawdowns);
            foreach (var convention in sheet.Conventions)
            {
                output.Info(convention);
            }
        });
        return command;
    }

    private static string Pct(double value) => value.ToString("P2", CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
