using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Alpha;

/// <summary>
/// <c>research alpha evaluate --signal NAME[@vN] | --spec FILE | --planted | --scores FILE --from D --to D</c>: a signal
/// built point in time on the warehouse (<see cref="SignalBuilder"/>) or given as scores, against CRSP daily returns
/// (<see cref="SignalAnalytics"/>); every evaluation is recorded in the trial ledger under its research question.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliOutput output)
    {
        var signal = new Option<string?>("--signal") { Description = "A built-in or stored signal: NAME or NAME@vN ('research alpha list')." };
        var spec = new Option<FileInfo?>("--spec") { Description = "A signal definition file (JSON: name, version, terms, post), evaluated without storing it." };
        var planted = new Option<bool>("--planted") { Description = "The synthetic market's planted alpha (truth/alpha); the same as --signal planted_alpha." };
        var scores = new Option<FileInfo?>("--scores") { Description = "A CSV of scores with a header: date,permno,score (YYYY-MM-DD, CRSP PERMNO, any number; higher = more attractive)." };
        var from = CliOptions.Date("--from", "First signal date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last return date (YYYY-MM-DD).");
        var horizons = new Option<string>("--horizons") { Description = "Forward-return horizons in sessions, comma-separated.", DefaultValueFactory = _ => "1,5,21" };
        var quantiles = new Option<int>("--quantiles") { Description = "Equal-count quantiles per date.", DefaultValueFactory = _ => 5 }.Between(2, 20);
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest share of rows that may be lost: universe rows without a score, and scores without a forward return at the shortest horizon.", DefaultValueFactory = _ => 0.35 }.Within(0, 1);
        var every = new Option<int>("--every") { Description = "Sessions between signal dates (1 = every session).", DefaultValueFactory = _ => 1 }.Between(1, Research.Core.Calendars.Annualisation.SessionsPerYear);
        var neutral = new Option<bool>("--industry-neutral") { Description = "Evaluate the industry-neutral variant: the signal minus its Fama-French 10 industry mean on each date." };
        var question = new Option<string>("--question") { Description = "The research question the trial is recorded under; corrections count every trial on record in it.", DefaultValueFactory = _ => "default" };
        var split = CliOptions.OptionalDate("--split", "Out-of-sample from this date: the rank IC before and after it, and the degradation.");
        var windows = new Option<int?>("--windows") { Description = "Walk-forward IC: the rank IC over consecutive windows of this many signal dates." }.Positive();
        var command = new Command("evaluate", "A signal's IC and rank IC (Newey-West t), quantile returns and spread, turnover, decay and coverage against CRSP daily returns; recorded in the trial ledger.")
        {
            signal, spec, planted, scores, from, to, horizons, quantiles, maxDrop, every, neutral, question, split, windows,
        };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var given = new[] { parse.GetValue(signal) is not null, parse.GetValue(spec) is not null, parse.GetValue(planted), parse.GetValue(scores) is not null }.Count(g => g);
            if (given != 1)
            {
                throw new CliException("Give exactly one of --signal NAME, --spec FILE, --planted and --scores FILE.");
            }

            var steps = SignalWorkbench.Horizons(parse.GetValue(horizons)!);
            var (first, last) = (parse.GetValue(from), parse.GetValue(to));
            var questionName = SignalWorkbench.Question(parse.GetValue(question));
            var ledger = CliConfiguration.Alpha(CliConfiguration.Build(parse));
            SignalDefinition? definition = parse.GetValue(planted) ? BuiltInSignals.Find("planted_alpha")
                : parse.GetValue(signal) is { } name ? await SignalSources.ResolveAsync(ledger, name, ct).ConfigureAwait(false)
                : parse.GetValue(spec) is { } specFile ? SignalSources.ReadSpec(specFile, "--spec")
                : null;
            if (parse.GetValue(neutral))
            {
                definition = definition?.With(SignalTransform.Parse("neutralize:industry")) ?? throw new CliException("--industry-neutral needs a signal definition (--signal, --spec or --planted), not --scores.");
            }

            var options = new SignalAnalyticsOptions(steps, parse.GetValue(quantiles), parse.GetValue(maxDrop));
            using var bench = SignalWorkbench.Open(parse, definition is null ? ["crsp/daily", "crsp/names"] : [.. definition.Datasets()], first, last, parse.GetValue(every));
            double[] values;
            IReadOnlyList<SignalStage> stages;
            string identity, sha, definitionText;
            if (definition is not null)
            {
                var build = bench.Build(definition, options.MaxDropShare, ct);
                (values, stages) = (bench.Slice(build.Values), build.Stages);
                (identity, sha, definitionText) = (definition.Id, definition.Sha256, definition.CanonicalJson());
            }
            else
            {
                var file = parse.GetValue(scores)!;
                var (placed, kept, off) = SignalPanel.FromRows(bench.Panel.Axes, ReadScores(file).Where(r => r.Date >= first));
                if (off > 0)
                {
                    output.Info($"{off:N0} score(s) are for a PERMNO or date without a CRSP daily row in {first:yyyy-MM-dd}..{last:yyyy-MM-dd} and are left out ({kept:N0} placed).");
                }

                values = bench.Slice(placed);
                stages = [new SignalStage("scores", kept + off), new SignalStage("placed", kept)];
                sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file.FullName)));
                (identity, definitionText) = ($"scores:{file.Name}", $$"""{"scores":"{{file.Name}}","sha256":"{{sha}}"}""");
            }

            var dates = bench.Dates;
            var report = bench.Evaluate(values, options);
            IcSplit? outOfSample = null;
            IReadOnlyList<IcWindow> walkForward = [];
            try
            {
                outOfSample = parse.GetValue(split) is { } cut ? SignalStability.Split(report.Horizons[0], cut) : null;
                walkForward = parse.GetValue(windows) is { } size ? SignalStability.Windows(report.Horizons[0], size) : [];
            }
            catch (ArgumentException e)
            {
                throw new CliException($"--split: {e.Message}", e);
            }

            var (trial, corrected) = await SignalWorkbench.RecordAsync(ledger, questionName, identity, sha, definitionText,
                new { horizons = options.Horizons, quantiles = options.Quantiles, maxDrop = options.MaxDropShare, every = parse.GetValue(every), industryNeutral = parse.GetValue(neutral) },
                first, last, bench.DataVersions, report, ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    signal = identity,
                    definitionSha256 = sha,
                    report = report.ToDocument(),
                    stages,
                    split = outOfSample,
                    windows = walkForward,
                    trial = new { question = questionName, trial.TrialKey, trial.PValue, annualSpreadSharpe = Finite(trial.AnnualSharpe), corrected.Trials, corrected.BenjaminiHochberg, corrected.Holm, deflatedSharpe = Finite(corrected.DeflatedSharpe) },
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"{identity} (sha256 {sha[..12]}), {dates[0]:yyyy-MM-dd}..{dates[^1]:yyyy-MM-dd}, every {parse.GetValue(every)} session(s)");
            WriteReport(output, report, stages);
            if (outOfSample is { } o)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"in sample {o.InSample.From:yyyy-MM-dd}..{o.InSample.To:yyyy-MM-dd}: rank IC {o.InSample.Mean:0.0000} (t {o.InSample.NeweyWestT:0.00}); out of sample {o.OutOfSample.From:yyyy-MM-dd}..{o.OutOfSample.To:yyyy-MM-dd}: {o.OutOfSample.Mean:0.0000} (t {o.OutOfSample.NeweyWestT:0.00}); degradation {o.Degradation * 100:0}%."));
            }

            if (walkForward.Count > 0)
            {
                output.Out.WriteLine("walk-forward rank IC: " + string.Join("; ", walkForward.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.From:yyyy-MM-dd}..{w.To:yyyy-MM-dd} {w.Mean:0.0000} (t {w.NeweyWestT:0.0})")))
                    + string.Create(CultureInfo.InvariantCulture, $"; {walkForward.Count(w => Math.Sign(w.Mean) == Math.Sign(report.Horizons[0].RankIcSummary.Mean))} of {walkForward.Count} windows with the whole period's sign."));
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trial recorded in '{questionName}': {corrected.Trials} distinct trial(s) on record; p = {TrialsCommand.P(trial.PValue)} (rank IC, {trial.Horizon}-session), Holm {TrialsCommand.P(corrected.Holm)}, BH {TrialsCommand.P(corrected.BenjaminiHochberg)}; spread Sharpe {trial.AnnualSharpe:0.00} a year, deflated {(double.IsNaN(corrected.DeflatedSharpe) ? "n/a (one trial)" : corrected.DeflatedSharpe.ToString("0.000", CultureInfo.InvariantCulture))}."));
            output.Out.WriteLine("Returns in basis points per horizon; IC = Pearson, rank IC = Spearman per date; t is Newey-West with lag h - 1 (docs/CONCEPTS/alpha-research.md).");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A report as the alpha commands print it: the table per horizon, turnover and decay, and the rows by stage.</summary>
    internal static void WriteReport(CliOutput output, SignalReport report, IReadOnlyList<SignalStage> stages)
    {
        var table = new Table().AddColumns("horizon", "dates", "IC", "rank IC", "ICIR (rank)", "NW t (rank)", "hit rate", "top - bottom", "95% interval", "quantile means (low to high)");
        foreach (var h in report.Horizons)
        {
            table.AddRow($"{h.Horizon}", $"{h.Dates.Count:N0}", F(h.IcSummary.Mean), F(h.RankIcSummary.Mean), F(h.RankIcSummary.Icir), h.RankIcSummary.NeweyWestT.ToString("0.00", CultureInfo.InvariantCulture),
                $"{h.RankIcSummary.HitRate * 100:0.0}%", Bp(h.Spread), $"{Bp(h.SpreadInterval.Low)} .. {Bp(h.SpreadInterval.High)}", string.Join(" ", h.QuantileMeans.Select(Bp)));
        }

        output.Console.Write(table);
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"top-quantile turnover {report.TopTurnover * 100:0.0}% a signal date, bottom {report.BottomTurnover * 100:0.0}%; rank autocorrelation {report.RankAutocorrelation:0.000}; rank-IC half-life {(report.HalfLife is { } life ? $"{life:0.0} sessions" : "beyond the horizons")}."));
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows: {string.Join(" -> ", stages.Select(s => $"{s.Stage} {s.Rows:N0}"))}; {report.Horizons[0].DroppedForReturn:N0} without a {report.Horizons[0].Horizon}-session forward return; {report.MissingSignal:N0} returns without a signal."));
    }

    /// <summary>The report's figures for --json.</summary>
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

    /// <summary>JSON has no NaN: a value that does not exist (the deflated Sharpe ratio of a single trial) is null.</summary>
    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Bp(double value) => (value * 10_000).ToString("0.0", CultureInfo.InvariantCulture);
}
