using System.CommandLine;
using Research.Backtesting.Golden;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest golden [--regenerate --reason ...]</c>: the golden regression of fixed backtests.</summary>
internal static class GoldenCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Option<string>("--file") { Description = "The golden file (default: tests/golden/backtests.json under the current folder).", DefaultValueFactory = _ => Path.Combine("tests", "golden", "backtests.json") };
        var regenerate = new Option<bool>("--regenerate") { Description = "Write new goldens from this build instead of checking (needs --reason)." };
        var reason = new Option<string?>("--reason") { Description = "Why the goldens change (stored in the file); asked for when omitted on a terminal." };
        var command = new Command("golden", "Check the fixed golden backtests against the stored metrics and order lists, or regenerate them with a reason.") { file, regenerate, reason };
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            var why = parse.GetValue(reason);
            if (parse.GetValue(regenerate) && string.IsNullOrWhiteSpace(why))
            {
                why = output.Interactive
                    ? output.ErrorConsole.Prompt(new TextPrompt<string>("Why do the golden backtests change?").Validate(r => !string.IsNullOrWhiteSpace(r)))
                    : throw new CliException("--regenerate needs --reason \"...\" (stored with the goldens).");
            }

            var scratch = Directory.CreateTempSubdirectory("research-golden-");
            try
            {
                var actual = await output.WithProgressAsync("golden backtests", progress => GoldenRegression.RunAsync(scratch.FullName, why ?? "check", progress, cancellationToken: ct)).ConfigureAwait(false);
                if (parse.GetValue(regenerate))
                {
                    await GoldenRegression.WriteAsync(path, actual, ct).ConfigureAwait(false);
                    output.Info($"wrote {actual.Cases.Count} golden backtests to {path} (reason: {why})");
                    return ExitCodes.Ok;
                }

                if (!File.Exists(path))
                {
                    throw new CliException($"{path} does not exist: create it with --regenerate --reason \"...\".");
                }

                var expected = GoldenRegression.Read(path);
                var drifts = GoldenRegression.Compare(expected, actual);
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(new { file = path, expected.Reason, expected.GeneratedAt, cases = actual.Cases.Count, drifts });
                }
                else if (drifts.Count == 0)
                {
                    output.Out.WriteLine($"{actual.Cases.Count} golden backtests match {path} (generated {expected.GeneratedAt:yyyy-MM-dd}: {expected.Reason})");
                }
                else
                {
                    var table = new Table().Title($"{drifts.Count} drift(s) from {path}").AddColumns("Case", "What", "Stored", "Now", "Threshold");
                    foreach (var d in drifts)
                    {
                        table.AddRow(Markup.Escape(d.Case), Markup.Escape(d.What), Markup.Escape(d.Expected), Markup.Escape(d.Actual), d.Threshold);
                    }

                    output.Console.Write(table);
                }

                return drifts.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }
}
