using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Analytics.Factors;
using Research.Backtesting.Overfitting;
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
    /// <summary>Calendar days of data loaded before --from, so that year-long descriptors (momentum, volatility) exist on the first date.</summary>
    private const int LookbackDays = 400;

    /// <summary>Statistics may be NaN (a constant IC series has no t); they are stored as "NaN", not refused.</summary>
    private static readonly JsonSerializerOptions NamedFloats = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

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
        var command = new Command("evaluate", "A signal's IC and rank IC (Newey-West t), quantile returns and spread, turnover, decay and coverage against CRSP daily returns; recorded in the trial ledger.")
        {
            signal, spec, planted, scores, from, to, horizons, quantiles, maxDrop, every, neutral, question,
        };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var given = new[] { parse.GetValue(signal) is not null, parse.GetValue(spec) is not null, parse.GetValue(planted), parse.GetValue(scores) is not null }.Count(g => g);
            if (given != 1)
            {
                throw new CliException("Give exactly one of --signal NAME, --spec FILE, --planted and --scores FILE.");
            }

            var steps = ParseHorizons(parse.GetValue(horizons)!);
            var (first, last) = (parse.GetValue(from), parse.GetValue(to));
            var questionName = parse.GetValue(question)!.Trim();
            if (questionName.Length is 0 or > 200)
            {
                throw new CliException("--question: give a name of 1 to 200 characters.");
            }

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
            var datasets = definition is null ? ["crsp/daily", "crsp/names"] : SignalSources.Datasets(definition);
            using var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research sync --full-sync --dataset crsp' (compustat and ccm for fundamental signals; truth for the planted alpha)");
            var panel = EquityPanelLoader.Load(session, first.AddDays(-LookbackDays), last);
            var signalSessions = SignalBuilder.Sessions(panel, first, parse.GetValue(every));
            if (signalSessions.Length < 3)
            {
                throw new CliException($"--from {first:yyyy-MM-dd} --to {last:yyyy-MM-dd}: the warehouse has {signalSessions.Length} signal session(s) in that range; give a longer period.");
            }

            double[] values;
            IReadOnlyList<SignalStage> stages;
            string identity, sha, definitionText;
            try
            {
                if (definition is not null)
                {
                    var external = new Dictionary<string, double[]>(StringComparer.Ordinal);
                    if (datasets.Contains("truth/alpha"))
                    {
                        external[SignalDescriptors.PlantedAlpha] = SignalPanel.FromRows(panel.Axes, SignalPanel.PlantedAlpha(session, panel.Dates[0], last)).Values;
                    }

                    var build = SignalBuilder.Build(new DescriptorContext(panel), definition, signalSessions, external, options.MaxDropShare, ct);
                    (values, stages) = (build.Values, build.Stages);
                    (identity, sha, definitionText) = (definition.Id, definition.Sha256, definition.CanonicalJson());
                }
                else
                {
                    var file = parse.GetValue(scores)!;
                    var (placed, kept, off) = SignalPanel.FromRows(panel.Axes, ReadScores(file).Where(r => r.Date >= first));
                    if (off > 0)
                    {
                        output.Info($"{off:N0} score(s) are for a PERMNO or date without a CRSP daily row in {first:yyyy-MM-dd}..{last:yyyy-MM-dd} and are left out ({kept:N0} placed).");
                    }

                    values = placed;
                    stages = [new SignalStage("scores", kept + off), new SignalStage("placed", kept)];
                    sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file.FullName)));
                    (identity, definitionText) = ($"scores:{file.Name}", $$"""{"scores":"{{file.Name}}","sha256":"{{sha}}"}""");
                }
            }
            catch (Exception e) when (e is SignalCoverageException or ArgumentException)
            {
                throw new CliException(e.Message, e);
            }

            // Evaluate from the first signal session on: the lookback only feeds the descriptors.
            var offset = signalSessions[0] * panel.Assets;
            var dates = panel.Dates[signalSessions[0]..];
            SignalReport report;
            try
            {
                report = SignalAnalytics.Evaluate(dates, panel.Assets, values[offset..], panel.Returns[offset..], options);
            }
            catch (Exception e) when (e is SignalCoverageException or ArgumentException)
            {
                throw new CliException(e.Message, e);
            }

            var (trial, corrected) = await RecordAsync(ledger, questionName, identity, sha, definitionText, parse.GetValue(every), parse.GetValue(neutral), options, first, last, session, report, ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    signal = identity,
                    definitionSha256 = sha,
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
                    stages,
                    trial = new { question = questionName, trial.TrialKey, trial.PValue, annualSpreadSharpe = Finite(trial.AnnualSharpe), corrected.Trials, corrected.BenjaminiHochberg, corrected.Holm, deflatedSharpe = Finite(corrected.DeflatedSharpe) },
                });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("horizon", "dates", "IC", "rank IC", "ICIR (rank)", "NW t (rank)", "hit rate", "top - bottom", "95% interval", "quantile means (low to high)");
            foreach (var h in report.Horizons)
            {
                table.AddRow($"{h.Horizon}", $"{h.Dates.Count:N0}", F(h.IcSummary.Mean), F(h.RankIcSummary.Mean), F(h.RankIcSummary.Icir), h.RankIcSummary.NeweyWestT.ToString("0.00", CultureInfo.InvariantCulture),
                    $"{h.RankIcSummary.HitRate * 100:0.0}%", Bp(h.Spread), $"{Bp(h.SpreadInterval.Low)} .. {Bp(h.SpreadInterval.High)}", string.Join(" ", h.QuantileMeans.Select(Bp)));
            }

            output.Out.WriteLine($"{identity} (sha256 {sha[..12]}), {dates[0]:yyyy-MM-dd}..{dates[^1]:yyyy-MM-dd}, every {parse.GetValue(every)} session(s)");
            output.Console.Write(table);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"top-quantile turnover {report.TopTurnover * 100:0.0}% a signal date, bottom {report.BottomTurnover * 100:0.0}%; rank autocorrelation {report.RankAutocorrelation:0.000}; rank-IC half-life {(report.HalfLife is { } life ? $"{life:0.0} sessions" : "beyond the horizons")}."));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rows: {string.Join(" -> ", stages.Select(s => $"{s.Stage} {s.Rows:N0}"))}; {report.Horizons[0].DroppedForReturn:N0} without a {report.Horizons[0].Horizon}-session forward return; {report.MissingSignal:N0} returns without a signal."));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trial recorded in '{questionName}': {corrected.Trials} distinct trial(s) on record; p = {TrialsCommand.P(trial.PValue)} (rank IC, {trial.Horizon}-session), Holm {TrialsCommand.P(corrected.Holm)}, BH {TrialsCommand.P(corrected.BenjaminiHochberg)}; spread Sharpe {trial.AnnualSharpe:0.00} a year, deflated {(double.IsNaN(corrected.DeflatedSharpe) ? "n/a (one trial)" : corrected.DeflatedSharpe.ToString("0.000", CultureInfo.InvariantCulture))}."));
            output.Out.WriteLine("Returns in basis points per horizon; IC = Pearson, rank IC = Spearman per date; t is Newey-West with lag h - 1 (docs/CONCEPTS/alpha-research.md).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(SignalTrial Trial, CorrectedTrial Corrected)> RecordAsync(Research.Platform.Storage.Alpha.AlphaLedger ledger, string question, string identity, string sha, string definition,
        int every, bool industryNeutral, SignalAnalyticsOptions options, DateOnly from, DateOnly to, Research.Data.Warehouse.WarehouseQuerySession session, SignalReport report, CancellationToken ct)
    {
        var parameters = JsonSerializer.Serialize(new { horizons = options.Horizons, quantiles = options.Quantiles, maxDrop = options.MaxDropShare, every, industryNeutral });
        var versions = JsonSerializer.Serialize(new SortedDictionary<string, string>(session.Pinned.ToDictionary(p => p.Key, p => p.Value.VersionId), StringComparer.Ordinal));
        var statistics = JsonSerializer.Serialize(report.Horizons.Select(h => new { h.Horizon, ic = h.IcSummary, rankIc = h.RankIcSummary, h.Spread, h.QuantileMeans }), NamedFloats);
        var measured = SignalTrial.Measure(report);
        var trial = new SignalTrial(SignalTrialCorrections.Key(sha, parameters, from, to, versions), question, identity, sha, definition, parameters, from, to,
            "CRSP common stock (share codes 10/11) on NYSE, AMEX and NASDAQ with a return on the date", versions, statistics,
            measured.PValue, measured.SpreadSharpe, measured.Horizon, measured.Periods, measured.Skewness, measured.Kurtosis, Environment.UserName, TimeProvider.System.GetUtcNow());
        await ledger.RecordTrialAsync(trial, ct).ConfigureAwait(false);
        var corrected = SignalTrialCorrections.Correct(await ledger.TrialsAsync(question, ct).ConfigureAwait(false));
        return (trial, corrected.Single(c => c.Trial.TrialKey == trial.TrialKey));
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

    /// <summary>JSON has no NaN: a value that does not exist (the deflated Sharpe ratio of a single trial) is null.</summary>
    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Bp(double value) => (value * 10_000).ToString("0.0", CultureInfo.InvariantCulture);
}
