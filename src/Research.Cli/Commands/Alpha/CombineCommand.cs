using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Alpha;

/// <summary>
/// <c>research alpha combine --signals A,B[,...] --method equal|ic|icir|vol-parity|ridge</c>: a composite whose weights
/// on each date come only from forward returns already realised (<see cref="SignalCombiner"/>), evaluated like any
/// signal and recorded as a trial.
/// </summary>
internal static class CombineCommand
{
    private static readonly Dictionary<string, CombinationMethod> Methods = new(StringComparer.Ordinal)
    {
        ["equal"] = CombinationMethod.Equal,
        ["ic"] = CombinationMethod.IcWeighted,
        ["icir"] = CombinationMethod.IcirWeighted,
        ["vol-parity"] = CombinationMethod.VolatilityParity,
        ["ridge"] = CombinationMethod.Ridge,
    };

    public static Command Create(CliOutput output)
    {
        var signals = new Option<string>("--signals") { Description = "Two or more built-in or stored signals, comma-separated (NAME or NAME@vN).", Required = true };
        var method = new Option<string>("--method") { Description = "equal, ic (mean rank IC), icir (mean / sd), vol-parity (1 / sd of the IC) or ridge (forward returns on the z-scored signals).", DefaultValueFactory = _ => "icir" };
        var from = CliOptions.Date("--from", "First signal date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last return date (YYYY-MM-DD).");
        var horizons = new Option<string>("--horizons") { Description = "Forward-return horizons in sessions; weights are estimated on the shortest.", DefaultValueFactory = _ => "1,5,21" };
        var window = new Option<int>("--window") { Description = "Past signal dates the weights use.", DefaultValueFactory = _ => Research.Core.Calendars.Annualisation.SessionsPerYear }.Between(2, 100_000);
        var history = new Option<int>("--min-history") { Description = "Signal dates with fewer realised past dates get no composite.", DefaultValueFactory = _ => 20 }.Between(2, 100_000);
        var ridge = new Option<double>("--ridge") { Description = "Ridge penalty (in units of the z-scored signals' variance).", DefaultValueFactory = _ => 1.0 }.Within(0, 1_000_000);
        var every = new Option<int>("--every") { Description = "Sessions between signal dates.", DefaultValueFactory = _ => 1 }.Between(1, Research.Core.Calendars.Annualisation.SessionsPerYear);
        var quantiles = new Option<int>("--quantiles") { Description = "Equal-count quantiles per date.", DefaultValueFactory = _ => 5 }.Between(2, 20);
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest share of rows each signal may lose.", DefaultValueFactory = _ => 0.35 }.Within(0, 1);
        var question = new Option<string>("--question") { Description = "The research question the trial is recorded under.", DefaultValueFactory = _ => "default" };
        var command = new Command("combine", "A composite of signals with weights estimated only from the past (equal, IC, ICIR, volatility parity, ridge), evaluated and recorded as a trial.")
        {
            signals, method, from, to, horizons, window, history, ridge, every, quantiles, maxDrop, question,
        };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var methodName = parse.GetValue(method)!;
            if (!Methods.TryGetValue(methodName, out var combination))
            {
                throw new CliException($"--method: '{methodName}' is not one of {string.Join(", ", Methods.Keys)}.");
            }

            var names = parse.GetValue(signals)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length < 2 || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            {
                throw new CliException("--signals: give two or more different signals, comma-separated.");
            }

            if (parse.GetValue(history) > parse.GetValue(window))
            {
                throw new CliException("--min-history must not exceed --window.");
            }

            var steps = SignalWorkbench.Horizons(parse.GetValue(horizons)!);
            var (first, last) = (parse.GetValue(from), parse.GetValue(to));
            var questionName = SignalWorkbench.Question(parse.GetValue(question));
            var ledger = CliConfiguration.Alpha(CliConfiguration.Build(parse));
            var definitions = new List<SignalDefinition>();
            foreach (var name in names)
            {
                definitions.Add(await SignalSources.ResolveAsync(ledger, name, ct).ConfigureAwait(false));
            }

            var options = new SignalAnalyticsOptions(steps, parse.GetValue(quantiles), parse.GetValue(maxDrop));
            using var bench = SignalWorkbench.Open(parse, [.. definitions.SelectMany(d => d.Datasets())], first, last, parse.GetValue(every));
            var built = definitions.Select(d => bench.Slice(bench.Build(d, options.MaxDropShare, ct).Values)).ToList();
            var combineOptions = new CombinationOptions(combination, steps[0], parse.GetValue(window), parse.GetValue(history), parse.GetValue(ridge));
            var combined = SignalCombiner.Combine(bench.Dates, bench.Panel.Assets, built, bench.Returns, combineOptions);
            var report = bench.Evaluate(combined.Values, options);

            var definition = JsonSerializer.Serialize(new
            {
                combine = definitions.Select(d => new { signal = d.Id, sha256 = d.Sha256 }),
                method = methodName,
                horizon = combineOptions.Horizon,
                window = combineOptions.Window,
                minHistory = combineOptions.MinimumHistory,
                ridge = combination == CombinationMethod.Ridge ? combineOptions.RidgePenalty : (double?)null,
            });
            var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(definition)));
            var identity = $"combine:{methodName}({string.Join(",", definitions.Select(d => d.Id))})";
            var (trial, corrected) = await SignalWorkbench.RecordAsync(ledger, questionName, identity, sha, definition,
                new { horizons = options.Horizons, quantiles = options.Quantiles, maxDrop = options.MaxDropShare, every = parse.GetValue(every) },
                first, last, bench.DataVersions, report, ct).ConfigureAwait(false);

            var k = definitions.Count;
            var dated = Enumerable.Range(0, bench.Dates.Length).Where(t => double.IsFinite(combined.Weights[t * k])).ToList();
            var meanWeights = Enumerable.Range(0, k).Select(a => dated.Count > 0 ? dated.Average(t => combined.Weights[(t * k) + a]) : double.NaN).ToArray();
            var lastWeights = Enumerable.Range(0, k).Select(a => dated.Count > 0 ? combined.Weights[(dated[^1] * k) + a] : double.NaN).ToArray();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    signal = identity,
                    definitionSha256 = sha,
                    weights = definitions.Select((d, a) => new { signal = d.Id, mean = EvaluateCommand.Finite(meanWeights[a]), last = EvaluateCommand.Finite(lastWeights[a]) }),
                    datesWithoutHistory = combined.DatesWithoutHistory.Count,
                    report = report.ToDocument(),
                    trial = new { question = questionName, trial.TrialKey, trial.PValue, corrected.Trials, corrected.Holm, corrected.BenjaminiHochberg, deflatedSharpe = EvaluateCommand.Finite(corrected.DeflatedSharpe) },
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"{identity}, {bench.Dates[0]:yyyy-MM-dd}..{bench.Dates[^1]:yyyy-MM-dd}: weights from the last {combineOptions.Window} realised signal dates at the {combineOptions.Horizon}-session horizon; {combined.DatesWithoutHistory.Count} signal date(s) had too little history and no composite.");
            var weightsTable = new Table().AddColumns("signal", "mean weight", "last weight");
            for (var a = 0; a < k; a++)
            {
                weightsTable.AddRow(Markup.Escape(definitions[a].Id), meanWeights[a].ToString("0.000", CultureInfo.InvariantCulture), lastWeights[a].ToString("0.000", CultureInfo.InvariantCulture));
            }

            output.Console.Write(weightsTable);
            EvaluateCommand.WriteReport(output, report, [new("composite", report.SignalValues)]);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trial recorded in '{questionName}': {corrected.Trials} distinct trial(s) on record; p = {TrialsCommand.P(trial.PValue)}, Holm {TrialsCommand.P(corrected.Holm)}, BH {TrialsCommand.P(corrected.BenjaminiHochberg)}."));
            return ExitCodes.Ok;
        });
        return command;
    }
}
