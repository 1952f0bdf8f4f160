using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Wrds;
using Research.Data.Synthetic;

namespace Research.Cli.Commands.Wrds;

/// <summary><c>research wrds fake-load</c>: write the synthetic market into PostgreSQL under WRDS schema, table and column names (SIZ crsp.dsf, dsenames, dsedelist; CIZ crsp.dsf_v2, stksecurityinfohist, stkdelists; crsp.ccmxpf_lnkhist, comp.funda, comp.fundq, ff.factors_daily).</summary>
internal static class FakeLoadCommand
{
    public static Command Create(CliOutput output)
    {
        var connection = new Option<string>("--connection-string") { Description = "Target PostgreSQL database (tables are replaced).", Required = true };
        var stocks = new Option<int>("--stocks") { Description = "Securities at the start.", DefaultValueFactory = _ => 2000 }.Positive();
        var years = new Option<int>("--years") { Description = "Years simulated.", DefaultValueFactory = _ => 10 }.Positive();
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42UL };
        var command = new Command("fake-load", "Write the synthetic market into PostgreSQL under WRDS schema, table and column names (SIZ crsp.dsf, dsenames, dsedelist; CIZ crsp.dsf_v2, stksecurityinfohist, stkdelists; crsp.ccmxpf_lnkhist, comp.funda, comp.fundq, ff.factors_daily).")
        {
            connection, stocks, years, seed,
        };
        var fakeFormat = new Option<string>("--format") { Description = "CRSP tables to create: both (default), siz or ciz.", DefaultValueFactory = _ => "both" };
        command.Options.Add(fakeFormat);
        command.SetAction(async (parse, ct) =>
        {
            var format = parse.GetValue(fakeFormat) switch
            {
                "both" => CrspFormat.Auto,
                "siz" => CrspFormat.Siz,
                "ciz" => CrspFormat.Ciz,
                var other => throw new CliException($"--format: '{other}' is not one of both, siz, ciz."),
            };
            var options = new SyntheticMarketOptions { Stocks = parse.GetValue(stocks), Years = parse.GetValue(years), Seed = parse.GetValue(seed), IntradaySymbols = 0 };
            var temp = Path.Combine(Path.GetTempPath(), "research-wrds-" + Guid.NewGuid().ToString("N"));
            try
            {
                var counts = await output.WithProgressAsync("wrds fake-load", async p =>
                {
                    await SyntheticMarketGenerator.GenerateAsync(options, temp, new SynchronousProgress<SyntheticMarketProgress>(x => p.Report(($"generating: {x.Stage}", 0.5 * x.Fraction))), ct).ConfigureAwait(false);
                    return await new WrdsShapedLoader(parse.GetValue(connection)!).LoadAsync(temp, new SynchronousProgress<(string Table, double Fraction)>(x => p.Report(($"loading {x.Table}", 0.5 + (0.5 * x.Fraction)))), ct, format).ConfigureAwait(false);
                }).ConfigureAwait(false);
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(counts);
                }
                else
                {
                    foreach (var (table, rows) in counts)
                    {
                        output.Out.WriteLine($"{table}: {rows:N0} rows");
                    }
                }

                return ExitCodes.Ok;
            }
            finally
            {
                if (Directory.Exists(temp))
                {
                    Directory.Delete(temp, recursive: true);
                }
            }
        });
        return command;
    }
}
