using System.CommandLine;
using Research.Analytics.Alpha.Signals;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Alpha;

/// <summary><c>research alpha list [--descriptors]</c>: the built-in and stored signals, or the descriptors a definition may use.</summary>
internal static class ListCommand
{
    private static readonly string[] Transforms = ["winsorize:q", "zscore", "rank", "neutralize:industry", "neutralize:DESCRIPTOR"];

    public static Command Create(CliOutput output)
    {
        var descriptors = new Option<bool>("--descriptors") { Description = "List the descriptors and transforms a definition may use instead." };
        var command = new Command("list", "The built-in and stored signals (or, with --descriptors, what a definition may use).") { descriptors };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(descriptors))
            {
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(new
                    {
                        descriptors = SignalDescriptors.All.Select(d => new { d.Name, d.Formula, inputs = d.Inputs.ToString(), external = d.External }),
                        transforms = Transforms,
                    });
                    return ExitCodes.Ok;
                }

                var table = new Table().AddColumns("descriptor", "formula (point in time)");
                foreach (var d in SignalDescriptors.All)
                {
                    table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Formula));
                }

                output.Console.Write(table);
                output.Out.WriteLine("transforms: winsorize:q (q in (0, 0.5)), zscore, rank, neutralize:industry, neutralize:DESCRIPTOR (docs/CONCEPTS/alpha-research.md).");
                return ExitCodes.Ok;
            }

            var stored = await CliConfiguration.Alpha(CliConfiguration.Build(parse)).ListSignalsAsync(ct).ConfigureAwait(false);
            var rows = BuiltInSignals.All.Select(s => (s, Origin: "built-in", By: string.Empty, At: (DateTimeOffset?)null))
                .Concat(stored.Select(s => (s: s.Definition, Origin: "stored", By: s.CreatedBy, At: (DateTimeOffset?)s.CreatedAt))).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows.Select(r => new { signal = r.s.Id, r.s.Name, r.s.Version, sha256 = r.s.Sha256, r.s.Description, origin = r.Origin, createdBy = r.By, createdAt = r.At, definition = r.s.CanonicalJson() }));
                return ExitCodes.Ok;
            }

            var list = new Table().AddColumns("signal", "origin", "terms", "post", "description", "sha256");
            foreach (var (s, origin, by, at) in rows)
            {
                list.AddRow(Markup.Escape(s.Id), origin + (by.Length > 0 ? $" by {Markup.Escape(by)} {at:yyyy-MM-dd}" : string.Empty),
                    Markup.Escape(string.Join(" + ", s.Terms.Select(t => $"{t.Weight:0.###} x {t.Descriptor}{(t.Transforms.Count > 0 ? $" [{string.Join(", ", t.Transforms)}]" : string.Empty)}"))),
                    Markup.Escape(string.Join(", ", s.Post)), Markup.Escape(s.Description), s.Sha256[..12]);
            }

            output.Console.Write(list);
            return ExitCodes.Ok;
        });
        return command;
    }
}
