using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Synthetic;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research synth</c>: generate the synthetic market with planted truth.</summary>
public static class SynthCommand
{
    public static Command Create(CliOutput output)
    {
        var stocks = new Option<int>("--stocks") { Description = "Securities listed on the first session.", DefaultValueFactory = _ => 1000 }.Positive();
        var years = new Option<int>("--years") { Description = "Calendar years to simulate.", DefaultValueFactory = _ => 10 }.Positive();
        var endYear = new Option<int>("--end-year") { Description = "Last simulated year.", DefaultValueFactory = _ => 2024 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same seed and options = byte-identical files).", DefaultValueFactory = _ => 42UL };
        var alphaIc = new Option<double>("--alpha-ic") { Description = "Planted IC of the alpha score.", DefaultValueFactory = _ => 0.03 }.Within(-1, 1);
        var outDir = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var command = new Command("synth", "Generate a deterministic WRDS-shaped synthetic market with planted truth.")
        {
            stocks, years, endYear, seed, alphaIc, outDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SyntheticMarketOptions
            {
                Stocks = parse.GetValue(stocks),
                Years = parse.GetValue(years),
                EndYear = parse.GetValue(endYear),
                Seed = parse.GetValue(seed),
                AlphaIc = parse.GetValue(alphaIc),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException($"synth: {e.Message.Split(Environment.NewLine)[0]}", e);
            }

            var directory = parse.GetValue(outDir)!;
            var result = await output.WithProgressAsync("synth", p =>
                SyntheticMarketGenerator.GenerateAsync(options, directory, new SynchronousProgress<SyntheticMarketProgress>(x => p.Report((x.Stage, x.Fraction))), ct)).ConfigureAwait(false);

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Dataset", "Files", "Rows");
            foreach (var group in result.Files.GroupBy(f => f.Dataset))
            {
                table.AddRow(group.Key, group.Count().ToString(CultureInfo.InvariantCulture), group.Sum(f => f.Rows).ToString("N0", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            output.Out.WriteLine($"{result.Securities:N0} securities, {result.Sessions:N0} sessions -> {result.OutputDirectory}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
