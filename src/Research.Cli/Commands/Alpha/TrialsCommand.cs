using System.CommandLine;
using System.Globalization;
using System.Text;
using Research.Backtesting.Overfitting;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Alpha;

/// <summary>
/// <c>research alpha trials [--question Q] [--export FILE.csv]</c>: the trial ledger, each question's distinct trials
/// with p-values corrected for every trial on record in it (Bonferroni, Holm, Benjamini-Hochberg, Benjamini-Yekutieli)
/// and the deflated Sharpe ratio of the quantile spread.
/// </summary>
internal static class TrialsCommand
{
    public static Command Create(CliOutput output)
    {
        var question = new Option<string?>("--question") { Description = "Only this research question (default: every question, each corrected on its own)." };
        var export = new Option<FileInfo?>("--export") { Description = "Also write the rows shown to this CSV file." };
        var command = new Command("trials", "The trial ledger: every signal evaluation on record, with multiple-testing corrections that count all of them.") { question, export };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(export) is { Directory: { Exists: false } folder })
            {
                throw new CliException($"--export: the folder {folder.FullName} does not exist.");
            }

            var rows = await CliConfiguration.Alpha(CliConfiguration.Build(parse)).TrialsAsync(parse.GetValue(question), ct).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                throw new CliException(parse.GetValue(question) is { } q
                    ? $"--question: no trial is recorded under '{q}'; 'research alpha trials' lists every question."
                    : "No trial is recorded yet: 'research alpha evaluate --signal NAME --from D --to D' records one.");
            }

            var corrected = rows.GroupBy(r => r.Question, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => SignalTrialCorrections.Correct([.. g])).ToList();
            if (parse.GetValue(export) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, Csv(corrected), ct).ConfigureAwait(false);
                output.Info($"wrote {corrected.Count} trial(s) to {file.FullName}");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(corrected.Select(c => new
                {
                    c.Trial.Question,
                    c.Trial.Signal,
                    c.Trial.TrialKey,
                    c.Trial.DefinitionSha256,
                    from = c.Trial.From,
                    to = c.Trial.To,
                    c.Trial.PValue,
                    c.Bonferroni,
                    c.Holm,
                    c.BenjaminiHochberg,
                    c.BenjaminiYekutieli,
                    annualSpreadSharpe = EvaluateCommand.Finite(c.Trial.AnnualSharpe),
                    deflatedSharpe = EvaluateCommand.Finite(c.DeflatedSharpe),
                    c.Trials,
                    c.Evaluations,
                    c.Trial.RequestedBy,
                    c.Trial.CreatedAt,
                    parameters = c.Trial.Parameters,
                    dataVersions = c.Trial.DataVersions,
                }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("question", "signal", "period", "p", "Holm", "BH", "BY", "spread Sharpe", "deflated", "runs", "by", "when");
            foreach (var c in corrected)
            {
                var t = c.Trial;
                table.AddRow(Markup.Escape(t.Question), Markup.Escape(t.Signal), $"{t.From:yyyy-MM-dd}..{t.To:yyyy-MM-dd}", P(t.PValue), P(c.Holm), P(c.BenjaminiHochberg), P(c.BenjaminiYekutieli),
                    t.AnnualSharpe.ToString("0.00", CultureInfo.InvariantCulture), double.IsNaN(c.DeflatedSharpe) ? "n/a" : c.DeflatedSharpe.ToString("0.000", CultureInfo.InvariantCulture),
                    $"{c.Evaluations}", Markup.Escape(t.RequestedBy), $"{t.CreatedAt:yyyy-MM-dd HH:mm}");
            }

            output.Console.Write(table);
            output.Out.WriteLine(string.Join("; ", corrected.GroupBy(c => c.Trial.Question).Select(g => $"'{g.Key}': {g.First().Trials} distinct trial(s)")) +
                ". p: two-sided, mean rank IC at the shortest horizon (Newey-West t); corrections and the deflated Sharpe ratio count every trial on record in the question.");
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string P(double p) => p < 0.0001 ? "<0.0001" : p.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Csv(IReadOnlyList<CorrectedTrial> rows)
    {
        static string Q(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var csv = new StringBuilder("question,signal,trial_key,definition_sha256,from,to,p_value,bonferroni,holm,benjamini_hochberg,benjamini_yekutieli,annual_spread_sharpe,deflated_sharpe,trials_in_question,evaluations,requested_by,created_at,parameters,data_versions\n");
        foreach (var c in rows)
        {
            var t = c.Trial;
            csv.AppendJoin(',', Q(t.Question), Q(t.Signal), t.TrialKey, t.DefinitionSha256, t.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), t.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                N(t.PValue), N(c.Bonferroni), N(c.Holm), N(c.BenjaminiHochberg), N(c.BenjaminiYekutieli), N(t.AnnualSharpe), N(c.DeflatedSharpe),
                c.Trials.ToString(CultureInfo.InvariantCulture), c.Evaluations.ToString(CultureInfo.InvariantCulture), Q(t.RequestedBy), t.CreatedAt.ToString("O", CultureInfo.InvariantCulture), Q(t.Parameters), Q(t.DataVersions)).Append('\n');
        }

        return csv.ToString();
    }
}
