using System.CommandLine;
using System.Globalization;
using System.Text;
using Research.Analytics.Events;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Research.Grains.Abstractions;
using Spectre.Console;

namespace Research.Cli.Commands.Events;

/// <summary>
/// <c>research events study --events FILE | --earnings</c>: a short-horizon event study on the warehouse's CRSP daily
/// returns and Fama-French factors (<see cref="EventStudy"/>): abnormal returns by the market model, market-adjusted or
/// Fama-French three-factor returns; CAAR and BHAR with intervals and the Patell, BMP, Kolari-Pynnönen, rank and
/// generalized sign tests per group and test window. <c>--earnings</c> studies every Compustat report by SUE decile
/// (post-earnings-announcement drift).
/// </summary>
public static class EventsCommand
{
    /// <summary>The design's parts as the options that set them, for its refusals.</summary>
    private static readonly Dictionary<string, string> OptionNames = new(StringComparer.Ordinal)
    {
        ["estimation"] = "--estimation",
        ["test"] = "--test",
        ["min-estimation"] = "--min-estimation",
        ["confidence"] = "--confidence",
    };

    /// <summary>One group's tests of one window, as printed and written with --json (NaN as null).</summary>
    public sealed record TestLine(string Group, string Window, int Events, double Caar, double? TStatistic, double? PValue, double? Lower, double? Upper,
        double? Patell, double? PatellP, double? Bmp, double? BmpP, double AverageCorrelation, int CorrelationPairs, double? KolariPynnonen, double? KolariPynnonenP,
        double? Rank, double? RankP, int Positive, double ExpectedPositive, double? Sign, double? SignP, double Bhar, double? BharT, double? BharLower, double? BharUpper);

    public static Command Create(CliOutput output)
    {
        var events = new Command("events", "Event studies on daily returns: abnormal returns around dates, their tests, post-earnings drift.");
        events.Subcommands.Add(Study(output));
        return events;
    }

    private static double? N(double x) => double.IsFinite(x) ? x : null;

    private static EventWindow Window(string? text, string option, EventWindow fallback)
    {
        try
        {
            return text is null ? fallback : EventWindow.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliException($"{option}: {e.Message}", e);
        }
    }

    private static Command Study(CliOutput output)
    {
        var file = new Option<string?>("--events") { Description = "A CSV of events: permno,date (yyyy-MM-dd), optionally group (results per group, e.g. addition/deletion) and id." };
        var earnings = new Option<bool>("--earnings") { Description = "Every Compustat quarterly report (rdq) in --from..--to, by decile of standardised unexpected earnings (post-earnings drift)." };
        var model = new Option<string?>("--model")
        {
            Description = $"Normal returns: {string.Join(", ", WireNames.All<AbnormalReturnModel>())} (default market-model; market-adjusted with --earnings, whose 60-day windows a fitted alpha would bias).",
        }.OneOf([.. WireNames.All<AbnormalReturnModel>()]);
        var estimation = new Option<string?>("--estimation") { Description = "Estimation window in trading days relative to the event, FROM:TO (default -250:-11)." };
        var window = new Option<string?>("--window") { Description = "Event window FROM:TO: abnormal returns per day and the cumulative path (default -10:10; -5:60 with --earnings)." };
        var tests = new Option<string[]>("--test") { Description = "A window FROM:TO inside the event window whose CAR and BHAR are tested; repeat for several (default: the event window; 0:0 and 1:60 with --earnings).", AllowMultipleArgumentsPerToken = false };
        var minDays = new Option<int>("--min-estimation") { Description = "Least returns in the estimation window (default 120).", DefaultValueFactory = _ => 120 }.Positive();
        var confidence = new Option<double>("--confidence") { Description = "Level of the intervals (default 0.95).", DefaultValueFactory = _ => 0.95 }.Within(0.5, 0.999);
        var from = CliOptions.OptionalDate("--from", "With --earnings: first report date (default: the warehouse's first CRSP session).");
        var to = CliOptions.OptionalDate("--to", "With --earnings: last report date (default: the last CRSP session).");
        var save = new Option<string?>("--out") { Description = "Also write every event's CAR and BHAR per test window (and every event left out, with why) to this CSV file." }.WritableFile();
        var command = new Command("study", "An event study: abnormal returns around each event, CAAR and BHAR with intervals, Patell, BMP, Kolari-Pynnönen, rank and sign tests.")
        {
            file, earnings, model, estimation, window, tests, minDays, confidence, from, to, save,
        };
        command.SetAction(async (parse, ct) =>
        {
            var eventsFile = parse.GetValue(file);
            var byEarnings = parse.GetValue(earnings);
            if ((eventsFile is null) == !byEarnings)
            {
                throw new CliException("Give exactly one of --events FILE and --earnings.");
            }

            if (parse.GetValue(from) is { } first && parse.GetValue(to) is { } last && first > last)
            {
                throw new CliException($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}.");
            }

            if (!byEarnings && (parse.GetValue(from) is not null || parse.GetValue(to) is not null))
            {
                throw new CliException("--from and --to select report dates with --earnings; an events file's dates are its own.");
            }

            var defaults = EventStudyOptions.Defaults(byEarnings);
            var options = defaults with
            {
                Model = parse.GetValue(model) is { } m ? WireNames.Parse<AbnormalReturnModel>(m, "--model") : defaults.Model,
                Estimation = Window(parse.GetValue(estimation), "--estimation", defaults.Estimation),
                Window = Window(parse.GetValue(window), "--window", defaults.Window),
                Tests = parse.GetValue(tests) is { Length: > 0 } t ? [.. t.Select(w => Window(w, "--test", null!))] : defaults.Tests,
                MinEstimationDays = parse.GetValue(minDays),
                Confidence = parse.GetValue(confidence),
            };
            try
            {
                options.Validate(OptionNames);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, e);
            }

            var layout = WarehouseOptions.Layout(parse);
            var catalog = new WarehouseCatalog(layout);
            var needed = EventStudyLoader.DatasetsFor(byEarnings);
            if (needed.FirstOrDefault(d => catalog.ReadCurrent(d) is null) is { } missing)
            {
                throw new CliException($"{missing} is not in the warehouse at {layout.Root}: an event study {(byEarnings ? "of earnings " : string.Empty)}needs {string.Join(", ", needed)} (research sync).");
            }

            List<StudyEvent> list;
            IReadOnlyDictionary<string, double>? sues = null;
            using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, needed);
            if (byEarnings)
            {
                try
                {
                    var (found, surprises) = EventStudyLoader.Earnings(session, parse.GetValue(from), parse.GetValue(to), new Progress<string>(output.Info));
                    (list, sues) = ([.. found], surprises);
                }
                catch (ArgumentException e)
                {
                    throw new CliException(e.Message, e);
                }
            }
            else
            {
                try
                {
                    list = [.. EventStudyLoader.ReadEvents(Path.GetFullPath(eventsFile!))];
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    throw new CliException("--events: " + e.Message, e);
                }
            }

            var (market, returns) = EventStudyLoader.Load(session, list, options);
            var result = await output.WithProgressAsync($"event study of {list.Count:N0} events", progress => Task.Run(() => EventStudy.Run(list, market, p => returns.GetValueOrDefault(p), options,
                new Progress<int>(n => progress.Report(("fitting", n / (double)list.Count))), ct), ct)).ConfigureAwait(false);
            if (result.Groups.Count == 0)
            {
                throw new CliException($"All {list.Count} events were left out; the first: {result.Dropped[0].Event.Id}: {result.Dropped[0].Reason}.");
            }

            if (parse.GetValue(save) is { } path)
            {
                File.WriteAllText(path, Csv(result, sues));
                output.Info($"{result.Events.Count} events and {result.Dropped.Count} left out written to {path}");
            }

            var lines = result.Groups.SelectMany(g => g.Tests.Select(x => new TestLine(g.Group, x.Window.ToString(), x.Events, x.Caar, N(x.TStatistic), N(x.PValue), N(x.Lower), N(x.Upper),
                N(x.Patell), N(x.PatellP), N(x.Bmp), N(x.BmpP), x.AverageCorrelation, x.CorrelationPairs, N(x.KolariPynnonen), N(x.KolariPynnonenP),
                N(x.Rank), N(x.RankP), x.Positive, x.ExpectedPositive, N(x.Sign), N(x.SignP), x.Bhar, N(x.BharT), N(x.BharLower), N(x.BharUpper)))).ToList();
            var spreads = byEarnings ? options.TestWindows.Select((w, k) => (w, s: EarningsEvents.Spread(result, k))).ToList() : [];
            var design = new
            {
                model = WireNames.Of(options.Model),
                estimation = options.Estimation.ToString(),
                window = options.Window.ToString(),
                options.MinEstimationDays,
                options.Confidence,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    design,
                    events = list.Count,
                    studied = result.Events.Count,
                    left = result.Dropped.Count,
                    leftOut = result.Dropped.Take(20).Select(d => new { d.Event.Id, d.Reason }),
                    tests = lines,
                    paths = result.Groups.Select(g => new { g.Group, days = g.Days.Select(d => new { d.Day, d.Events, d.Aar, d.Caar, Lower = N(d.Lower), Upper = N(d.Upper) }) }),
                    drift = spreads.Select(p => new { window = p.w.ToString(), spread = N(p.s.Spread), t = N(p.s.T), highEvents = p.s.High, lowEvents = p.s.Low }),
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"{result.Events.Count:N0} of {list.Count:N0} events studied ({WireNames.Of(options.Model)}; estimation {options.Estimation}, at least {options.MinEstimationDays} days; event window {options.Window}; intervals {options.Confidence:P0})");
            foreach (var reason in result.Dropped.GroupBy(d => ReasonKind(d.Reason)).OrderByDescending(g => g.Count()))
            {
                output.Out.WriteLine($"  left out: {reason.Count():N0} ({reason.Key}), e.g. {reason.First().Event.Id}: {reason.First().Reason}");
            }

            var table = new Table().AddColumns("Group", "Window", "N", "CAAR", "Interval", "t", "Patell Z", "BMP t", "KP t (r̄)", "Rank", "Sign Z (pos/exp)", "BHAR");
            string F(double? x, string f = "F2") => x is { } v ? v.ToString(f, CultureInfo.InvariantCulture) : "n/a";
            foreach (var l in lines)
            {
                table.AddRow(Markup.Escape(l.Group), Markup.Escape(l.Window), l.Events.ToString("N0", CultureInfo.InvariantCulture), l.Caar.ToString("P2", CultureInfo.InvariantCulture),
                    $"{F(l.Lower, "P2")} to {F(l.Upper, "P2")}", Star(l.TStatistic, l.PValue), Star(l.Patell, l.PatellP), Star(l.Bmp, l.BmpP),
                    $"{Star(l.KolariPynnonen, l.KolariPynnonenP)} ({l.AverageCorrelation.ToString("F3", CultureInfo.InvariantCulture)})", Star(l.Rank, l.RankP),
                    $"{Star(l.Sign, l.SignP)} ({l.Positive}/{l.ExpectedPositive.ToString("F0", CultureInfo.InvariantCulture)})", l.Bhar.ToString("P2", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            output.Out.WriteLine("* p < 0.05, ** p < 0.01 (two-sided). Interval: the CAAR's, from the cross-section of CARs (Student's t).");
            foreach (var (w, s) in spreads)
            {
                output.Out.WriteLine($"Drift {w}: SUE decile 10 minus decile 1 = {F(s.Spread, "P2")} (Welch t {F(s.T)}; {s.High} and {s.Low} events)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Star(double? value, double? p) => value is { } v
        ? v.ToString("F2", CultureInfo.InvariantCulture) + (p < 0.01 ? "**" : p < 0.05 ? "*" : string.Empty)
        : "n/a";

    private static string ReasonKind(string reason) =>
        reason.Contains("Fama-French", StringComparison.Ordinal) ? "no factors in a window"
        : reason.StartsWith("no return", StringComparison.Ordinal) ? "a return missing in the event window"
        : reason.Contains("estimation window", StringComparison.Ordinal) ? "too short an estimation window"
        : reason.Contains("outside the sessions", StringComparison.Ordinal) ? "window outside the data"
        : "other";

    /// <summary>Every event's results (and every event left out, with the reason) as CSV.</summary>
    private static string Csv(EventStudyResult result, IReadOnlyDictionary<string, double>? sues)
    {
        static string Q(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        var windows = result.Options.TestWindows;
        var csv = new StringBuilder("id,permno,date,group,day0,estimation_days,residual_sd" + (sues is null ? string.Empty : ",sue"));
        foreach (var w in windows)
        {
            csv.Append(CultureInfo.InvariantCulture, $",car_{w.From}_{w.To},bhar_{w.From}_{w.To}");
        }

        csv.Append(",left_out\n");
        foreach (var e in result.Events)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Q(e.Event.Id)},{e.Event.Permno},{e.Event.Date:yyyy-MM-dd},{Q(e.Event.Group)},{e.Day0:yyyy-MM-dd},{e.EstimationDays},{e.ResidualSd:R}");
            if (sues is not null)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{sues[e.Event.Id]:R}");
            }

            for (var k = 0; k < windows.Count; k++)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{e.Car[k]:R},{e.Bhar[k]:R}");
            }

            csv.Append(",\n");
        }

        foreach (var d in result.Dropped)
        {
            // Day 0, estimation days, residual sd, the SUE and each window's CAR and BHAR are empty.
            var empty = 3 + (sues is null ? 0 : 1) + (2 * windows.Count);
            csv.Append(CultureInfo.InvariantCulture, $"{Q(d.Event.Id)},{d.Event.Permno},{d.Event.Date:yyyy-MM-dd},{Q(d.Event.Group)}{new string(',', empty)},{Q(d.Reason)}\n");
        }

        return csv.ToString();
    }
}
