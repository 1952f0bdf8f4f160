using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Compustat;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research compustat fundamentals --gvkey G --as-of D</c>: what was known about a company on a date.</summary>
public static class CompustatCommand
{
    private static readonly string[] Datasets = ["compustat/annual", "compustat/quarterly", "ccm/links"];

    public static Command Create(CliOutput output)
    {
        var compustat = new Command("compustat", "Point-in-time Compustat fundamentals.");
        var gvkey = new Option<string>("--gvkey") { Description = "Compustat GVKEY (six digits).", Required = true };
        var asOf = CliOptions.Date("--as-of", "Date of knowledge (YYYY-MM-DD).");
        var lag = new Option<int>("--annual-lag-days") { Description = "Days after fiscal year end before annual data counts as known.", DefaultValueFactory = _ => 180 };
        var fundamentals = new Command("fundamentals", "Latest quarterly (by report date) and annual (after the lag) rows known on a date, and the linked PERMNO.") { gvkey, asOf, lag };
        fundamentals.SetAction(parse =>
        {
            using var session = WarehouseOptions.OpenDatasets(parse, Datasets, "'research sync --full-sync --dataset compustat' and '--dataset ccm'");
            var provider = new CompustatProvider(session) { AnnualLagDays = parse.GetValue(lag) };
            var key = parse.GetValue(gvkey)!;
            var date = parse.GetValue(asOf);
            var quarter = provider.LatestQuarter(key, date);
            var annual = provider.LatestAnnual(key, date);
            var permno = provider.Permno(key, date);
            if (quarter is null && annual is null)
            {
                throw new CliException($"Nothing was known about GVKEY {key} on {date:yyyy-MM-dd} (no quarterly report out yet, no annual past the {parse.GetValue(lag)}-day lag, or no such GVKEY).");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { gvkey = key, asOf = date, permno, quarterly = quarter, annual });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"GVKEY {key} as of {date:yyyy-MM-dd}: PERMNO {(permno?.ToString(CultureInfo.InvariantCulture) ?? "not linked")}");
            foreach (var (title, row) in new[] { ("Latest quarter", quarter), ("Latest annual", annual) })
            {
                if (row is null)
                {
                    output.Out.WriteLine($"{title}: none known");
                    continue;
                }

                var table = new Table().Title(title).AddColumns("Field", "Value");
                foreach (var (field, value) in row)
                {
                    table.AddRow(field, Markup.Escape(value switch
                    {
                        null => "NULL",
                        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        _ => value.ToString() ?? string.Empty,
                    }));
                }

                output.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        compustat.Subcommands.Add(fundamentals);
        compustat.Subcommands.Add(Lookup(output));
        return compustat;
    }

    private static Command Lookup(CliOutput output)
    {
        var ticker = new Option<string?>("--ticker") { Description = "Find the GVKEY of a ticker on the date." };
        var key = new Option<string?>("--gvkey") { Description = "Find the ticker and PERMNO of a GVKEY on the date." };
        var date = CliOptions.Date("--date", "Date (YYYY-MM-DD).");
        var command = new Command("lookup", "GVKEY <-> ticker (and PERMNO through CCM) as known on a date; by ticker, CRSP names are asked first (point in time), then Compustat's tic.") { ticker, key, date };
        command.SetAction(parse =>
        {
            if (parse.GetValue(ticker) is null == parse.GetValue(key) is null)
            {
                throw new CliException("Give exactly one of --ticker T and --gvkey G.");
            }

            var day = parse.GetValue(date);
            using var session = WarehouseOptions.OpenDatasets(parse, [.. Datasets, "crsp/names"], "'research sync --full-sync --dataset compustat', '--dataset ccm' and '--dataset crsp'");
            var provider = new CompustatProvider(session);
            object result;
            string line;
            if (parse.GetValue(ticker) is { } t)
            {
                var permno = new Research.Data.Providers.Crsp.CrspProvider(session).Lookup(t, day);
                var viaCcm = permno is { } p ? provider.Gvkey(p, day) : null;
                var gvkeys = viaCcm is not null ? [viaCcm] : provider.Gvkeys(t, day);
                if (gvkeys.Count == 0)
                {
                    throw new CliException($"No company carried ticker {t.ToUpperInvariant()} on {day:yyyy-MM-dd} (CRSP names with a CCM link, or Compustat tic).");
                }

                var via = viaCcm is not null ? "crsp names + ccm" : "compustat tic";
                result = new { ticker = t.ToUpperInvariant(), date = day, permno, gvkeys, via };
                line = $"{t.ToUpperInvariant()} on {day:yyyy-MM-dd}: GVKEY {string.Join(", ", gvkeys)} (PERMNO {(permno?.ToString(CultureInfo.InvariantCulture) ?? "none")}; via {via})";
            }
            else
            {
                var g = parse.GetValue(key)!;
                var (tic, permno) = (provider.Ticker(g, day), provider.Permno(g, day));
                result = new { gvkey = g, date = day, ticker = tic, permno };
                line = $"GVKEY {g} on {day:yyyy-MM-dd}: ticker {tic ?? "none known"}, PERMNO {(permno?.ToString(CultureInfo.InvariantCulture) ?? "not linked")}";
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
            }
            else
            {
                output.Out.WriteLine(line);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
