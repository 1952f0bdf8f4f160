using System.CommandLine;
using System.Globalization;
using Research.Analytics.Alpha;
using Research.Analytics.Factors;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Alpha;

/// <summary>
/// <c>research alpha evaluate --planted | --scores FILE --from D --to D</c>: a signal against the warehouse's CRSP daily
/// returns (<see cref="SignalAnalytics"/>): per horizon the IC and rank IC with Newey-West t, hit rate, quantile returns
/// and spread; turnover, rank autocorrelation, half-life and coverage.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliOutput output)
    {
        var planted = new Option<bool>("--planted") { Description = "The synthetic market's planted alpha (truth/alpha)." };
        var scores = new Option<FileInfo?>("--scores") { Description = "A CSV of scores with a header: date,permno,score (YYYY-MM-DD, CRSP PERMNO, any number; higher = more attractive)." };
        var from = CliOptions.Date("--from", "First signal date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last return date (YYYY-MM-DD).");
        var horizons = new Option<string>("--horizons") { Description = "Forward-return horizons in sessions, comma-separated.", DefaultValueFactory = _ => "1,5,21" };
        var quantiles = new Option<int>("--quantiles") { Description = "Equal-count quantiles per date.", DefaultValueFactory = _ => 5 }.Between(2, 20);
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest share of signal values that may lack a forward return at the shortest horizon.", DefaultValueFactory = _ => 0.35 }.Within(0, 1);
        var command = new Command("evaluate", "A signal's IC and rank IC (Newey-West t), quantile returns and spread, turnover, decay and coverage, against CRSP daily returns.")
        {
            planted, scores, from, to, horizons, quantiles, maxDrop,
        };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(parse =>
        {
            if (parse.GetValue(planted) == parse.GetValue(scores) is not null)
            {
                throw new CliException("Give exactly one of --planted and --scores FILE.");
            }

            var steps = ParseHorizons(parse.GetValue(horizons)!);
            var (first, last) = (parse.GetValue(from), parse.GetValue(to));
            string[] datasets = parse.GetValue(planted) ? ["crsp/daily", "crsp/names", "truth/alpha"] : ["crsp/daily", "crsp/names"];
            using var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research sync --full-sync --dataset crsp' (and --dataset truth for --planted)");
            var panel = EquityPanelLoader.Load(session, first, last);
            var rows = parse.GetValue(scores) is { } file ? ReadScores(file) : SignalPanel.PlantedAlpha(session, first, last);
            var (signal, placed, off) = SignalPanel.FromRows(panel.Axes, rows);
            if (off > 0)
            {
                output.Info($"{off:N0} score(s) are for a PERMNO or date without a CRSP daily row in {first:yyyy-MM-dd}..{last:yyyy-MM-dd} and are left out ({placed:N0} placed).");
            }

            SignalReport report;
            try
            {
                report = SignalAnalytics.Evaluate(panel.Dates, panel.Ids.Length, signal, panel.Returns, new SignalAnalyticsOptions(steps, parse.GetValue(quantiles), parse.GetValue(maxDrop)));
            }
            catch (Exception e) when (e is SignalCoverageException or ArgumentException)
            {
                throw new CliException(e.Message, e);
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    horizons = report.Horizons.Select(h => new
                    {
                        h.Horizon,
                        dates = h.Dates.Count,
                        h.IcSummary,
                        h.RankIcSummary,
                        h.QuantileMeans,
                        h.Spread,
                        spreadLow = h.SpreadInterval.Low,
                        spreadHigh = h.SpreadInterval.High,
                        h.Pairs,
                        h.DroppedForReturn,
                    }),
                    report.HalfLife,
                    report.TopTurnover,
                    report.BottomTurnover,
                    report.RankAutocorrelation,
                    report.SignalValues,
                    report.MissingSignal,
                    placed,
                    offAxes = off,
                });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("horizon", "dates", "IC", "rank IC", "ICIR (rank)", "NW t (rank)", "hit rate", "top - bottom", "95% interval", "quantile means (low to high)");
            foreach (var h in report.Horizons)
            {
                table.AddRow($"{h.Horizon}", $"{h.Dates.Count:N0}", F(h.IcSummary.Mean), F(h.RankIcSummary.Mean), F(h.RankIcSummary.Icir), h.RankIcSummary.NeweyWestT.ToString("0.00", CultureInfo.InvariantCulture),
                    $"{h.RankIcSummary.HitRate * 100:0.0}%", Bp(h.Spread), $"{Bp(h.SpreadInterval.Low)} .. {Bp(h.SpreadInterval.High)}", string.Join(" ", h.QuantileMeans.Select(Bp)));
            }

            output.Console.Write(table);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"top-quantile turnover {report.TopTurnover * 100:0.0}% a session, bottom {report.BottomTurnover * 100:0.0}%; rank autocorrelation {report.RankAutocorrelation:0.000}; rank-IC half-life {(report.HalfLife is { } life ? $"{life:0.0} sessions" : "beyond the horizons")}; {report.SignalValues:N0} signal values, {report.Horizons[0].DroppedForReturn:N0} without a {report.Horizons[0].Horizon}-session forward return, {report.MissingSignal:N0} returns without a signal."));
            output.Out.WriteLine("Returns in basis points per horizon; IC = Pearson, rank IC = Spearman per date; t is Newey-West with lag h - 1 (docs/CONCEPTS/alpha-research.md).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<int> ParseHorizons(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<int>();
        foreach (var p in parts)
        {
            var year = Research.Core.Calendars.Annualisation.SessionsPerYear;
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var h) || h < 1 || h > year)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--horizons: '{p}' is not a session count from 1 to {year}."));
            }

            list.Add(h);
        }

        return list.Count > 0 ? [.. list.Distinct().Order()] : throw new CliException("--horizons: give at least one session count, e.g. 1,5,21.");
    }

    private static IEnumerable<(int Id, DateOnly Date, double Score)> ReadScores(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"--scores: {file.FullName} does not exist.");
        }

        var lineNumber = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            lineNumber++;
            if (lineNumber == 1 || line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length != 3 || !DateOnly.TryParseExact(f[0].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || !int.TryParse(f[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var permno)
                || !double.TryParse(f[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score))
            {
                throw new CliException($"{file.Name} line {lineNumber}: '{line}' is not date,permno,score (YYYY-MM-DD, a PERMNO, a finite number).");
            }

            yield return (permno, date, score);
        }
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Bp(double value) => (value * 10_000).ToString("0.0", CultureInfo.InvariantCulture);
}
