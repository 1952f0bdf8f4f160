using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Wrds;
using Research.Data.Synthetic;

namespace Research.Cli.Commands.Wrds;

/// <summary><c>research wrds fake-load</c>: write the synthetic market into PostgreSQL under WRDS schema, table and column names (SIZ crsp.dsf, dsenames, dsedelist; CIZ crsp.dsf_v2, stksecurityinfohist, stkdelists; crsp.ccmxpf_lnkhist, comp.funda, comp.fundq, ff.factors_daily; TAQ taqm_YYYY.ctm_, cqm_, complete_nbbo_, mastm_YYYYMMDD with planted dirty rows).</summary>
internal static class FakeLoadCommand
{
    public static Command Create(CliOutput output)
    {
        var connection = new Option<string>("--connection-string") { Description = "Target PostgreSQL database (tables are replaced).", Required = true };
        var stocks = new Option<int>("--stocks") { Description = "Securities at the start.", DefaultValueFactory = _ => 2000 }.Positive();
        var years = new Option<int>("--years") { Description = "Years simulated.", DefaultValueFactory = _ => 10 }.Positive();
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42UL };
        var taqSymbols = new Option<int>("--taq-symbols") { Description = "Largest stocks with TAQ ticks (taqm_YYYY.ctm_/cqm_/complete_nbbo_/mastm_YYYYMMDD, with dirty rows the cleaning must remove); 0 for none (default 20).", DefaultValueFactory = _ => 20 }.Between(0, 5_000);
        var taqDays = new Option<int>("--taq-days") { Description = "Last sessions with TAQ ticks (default 2).", DefaultValueFactory = _ => 2 }.Between(1, 250);
        var command = new Command("fake-load", "Write the synthetic market into PostgreSQL under WRDS schema, table and column names (SIZ crsp.dsf, dsenames, dsedelist; CIZ crsp.dsf_v2, stksecurityinfohist, stkdelists; crsp.ccmxpf_lnkhist, comp.funda, comp.fundq, ff.factors_daily; TAQ taqm_YYYY.ctm_, cqm_, complete_nbbo_, mastm_YYYYMMDD).")
        {
            connection, stocks, years, seed, taqSymbols, taqDays,
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
            var options = new SyntheticMarketOptions { Stocks = parse.GetValue(stocks), Years = parse.GetValue(years), Seed = parse.GetValue(seed), IntradaySymbols = parse.GetValue(taqSymbols), IntradayDays = parse.GetValue(taqDays) };
            var temp = Path.Combine(Path.GetTempPath(), "research-wrds-" + Guid.NewGuid().ToString("N"));
            try
            {
                var counts = await output.WithProgressAsync("wrds fake-load", async p =>
                {
                    await SyntheticMarketGenerator.GenerateAsync(options, temp, new SynchronousProgress<SyntheticMarketProgress>(x => p.Report(($"generating: {x.Stage}", 0.5 * x.Fraction))), ct).ConfigureAwait(false);
                    var loaded = new Dictionary<string, long>(await new WrdsShapedLoader(parse.GetValue(connection)!).LoadAsync(temp, new SynchronousProgress<(string Table, double Fraction)>(x => p.Report(($"loading {x.Table}", 0.5 + (0.4 * x.Fraction)))), ct, format).ConfigureAwait(false), StringComparer.Ordinal);
                    if (options.IntradaySymbols > 0)
                    {
                        foreach (var (table, rows) in await new WrdsShapedTaqLoader(parse.GetValue(connection)!).LoadAsync(temp, new SynchronousProgress<(string Table, double Fraction)>(x => p.Report(($"loading {x.Table}", 0.9 + (0.1 * x.Fraction)))), ct).ConfigureAwait(false))
                        {
                            loaded[table] = rows;
                        }
                    }

                    return loaded;
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
