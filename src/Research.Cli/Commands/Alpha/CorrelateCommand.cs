using System.CommandLine;
using System.Globalization;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Alpha;

/// <summary><c>research alpha correlate --signals A,B[,...]</c>: the mean over dates of the cross-sectional rank correlation of every pair.</summary>
internal static class CorrelateCommand
{
    public static Command Create(CliOutput output)
    {
        var signals = new Option<string>("--signals") { Description = "Two or more built-in or stored signals, comma-separated.", Required = true };
        var from = CliOptions.Date("--from", "First signal date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last signal date (YYYY-MM-DD).");
        var every = new Option<int>("--every") { Description = "Sessions between signal dates.", DefaultValueFactory = _ => 5 }.Between(1, Research.Core.Calendars.Annualisation.SessionsPerYear);
        var command = new Command("correlate", "The signal correlation matrix: per date, the Spearman correlation over assets with both, averaged over dates.") { signals, from, to, every };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var names = parse.GetValue(signals)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length < 2 || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            {
                throw new CliException("--signals: give two or more different signals, comma-separated.");
            }

            var ledger = CliConfiguration.Alpha(CliConfiguration.Build(parse));
            var definitions = new List<SignalDefinition>();
            foreach (var name in names)
            {
                definitions.Add(await SignalSources.ResolveAsync(ledger, name, ct).ConfigureAwait(false));
            }

            using var bench = SignalWorkbench.Open(parse, [.. definitions.SelectMany(d => d.Datasets())], parse.GetValue(from), parse.GetValue(to), parse.GetValue(every));
            var built = definitions.Select(d => bench.Slice(bench.Build(d, 1.0, ct).Values)).ToList();
            var matrix = SignalStability.CorrelationMatrix(bench.Dates.Length, bench.Panel.Assets, built);
            var k = definitions.Count;
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    signals = definitions.Select(d => d.Id),
                    matrix = Enumerable.Range(0, k).Select(a => Enumerable.Range(0, k).Select(b => EvaluateCommand.Finite(matrix[a, b]))),
                });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn(string.Empty);
            foreach (var d in definitions)
            {
                table.AddColumn(Markup.Escape(d.Id));
            }

            for (var a = 0; a < k; a++)
            {
                table.AddRow([Markup.Escape(definitions[a].Id), .. Enumerable.Range(0, k).Select(b => double.IsNaN(matrix[a, b]) ? "n/a" : matrix[a, b].ToString("0.00", CultureInfo.InvariantCulture))]);
            }

            output.Console.Write(table);
            output.Out.WriteLine($"Mean over {bench.Sessions.Length:N0} signal dates ({bench.Dates[0]:yyyy-MM-dd}..{bench.Dates[^1]:yyyy-MM-dd}, every {parse.GetValue(every)} sessions) of the Spearman correlation across assets with both signals.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
