using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Compustat;

namespace Research.Cli.Commands.Compustat;

/// <summary><c>research compustat lookup</c>: GVKEY to ticker (and PERMNO through CCM) as known on a date; by ticker, CRSP names are asked first (point in time), then Compustat's tic.</summary>
internal static class LookupCommand
{
    public static Command Create(CliOutput output)
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
            using var session = WarehouseOptions.OpenDatasets(parse, [.. CompustatCommand.Datasets, "crsp/names"], "'research sync --full-sync --dataset compustat', '--dataset ccm' and '--dataset crsp'");
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
