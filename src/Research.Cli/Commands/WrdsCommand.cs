using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Wrds;
using Research.Data.Synthetic;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research wrds check</c>: log in, detect the CRSP format, check every table a sync reads and show the planner's
/// size estimates; <c>research wrds fake-load</c>: a WRDS-shaped PostgreSQL database from the synthetic market (tests, demos).
/// </summary>
public static class WrdsCommand
{
    public static Command Create(CliOutput output)
    {
        var wrds = new Command("wrds", "WRDS (PostgreSQL) helpers.");
        var connection = new Option<string>("--connection-string") { Description = "Target PostgreSQL database (tables are replaced).", Required = true };
        var stocks = new Option<int>("--stocks") { Description = "Securities at the start.", DefaultValueFactory = _ => 2000 };
        var years = new Option<int>("--years") { Description = "Years simulated.", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42UL };
        var fakeLoad = new Command("fake-load", "Write the synthetic market into PostgreSQL under WRDS schema, table and column names (SIZ crsp.dsf, dsenames, dsedelist; CIZ crsp.dsf_v2, stksecurityinfohist, stkdelists; crsp.ccmxpf_lnkhist, comp.funda, comp.fundq, ff.factors_daily).")
        {
            connection, stocks, years, seed,
        };
        var fakeFormat = new Option<string>("--format") { Description = "CRSP tables to create: both (default), siz or ciz.", DefaultValueFactory = _ => "both" };
        fakeLoad.Options.Add(fakeFormat);
        fakeLoad.SetAction(async (parse, ct) =>
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
        wrds.Subcommands.Add(fakeLoad);
        wrds.Subcommands.Add(Check(output));
        return wrds;
    }

    private static Command Check(CliOutput output)
    {
        var command = new Command("check", "Log in to WRDS, detect the CRSP format and check every table a sync reads: exists, readable, estimated rows and size.");
        foreach (var option in WrdsConnectionOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            await using var client = WrdsConnectionOptions.CreateClient(parse, configuration);
            var source = new WrdsSyncSource(client, WrdsConnectionOptions.ParseFormat(parse));
            var format = await source.FormatAsync(ct).ConfigureAwait(false);
            var rows = new List<WrdsCheckRow>();
            foreach (var dataset in source.Datasets)
            {
                var query = await source.QueryForAsync(dataset, ct).ConfigureAwait(false);
                try
                {
                    var estimate = await source.EstimateAsync(dataset, ct).ConfigureAwait(false);
                    rows.Add(new WrdsCheckRow(dataset, string.Join(", ", query.Tables), "ok", estimate.Rows, estimate.Bytes));
                }
                catch (WrdsException e) when (e.Kind is WrdsErrorKind.MissingTable or WrdsErrorKind.Permission or WrdsErrorKind.SchemaMismatch)
                {
                    rows.Add(new WrdsCheckRow(dataset, string.Join(", ", query.Tables), e.Message, null, null));
                }
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { server = client.Target, crspFormat = format.ToString().ToUpperInvariant(), datasets = rows });
            }
            else
            {
                output.Out.WriteLine($"Logged in: {client.Target}; CRSP format {format.ToString().ToUpperInvariant()}.");
                foreach (var row in rows)
                {
                    output.Out.WriteLine(row.Status == "ok"
                        ? $"  {row.Dataset,-26} {row.Tables,-40} ~{row.EstimatedRows:N0} rows, ~{row.EstimatedBytes / 1048576.0:N1} MiB"
                        : $"  {row.Dataset,-26} {row.Tables,-40} {row.Status}");
                }
            }

            return rows.All(r => r.Status == "ok") ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private sealed record WrdsCheckRow(string Dataset, string Tables, string Status, long? EstimatedRows, long? EstimatedBytes);
}
