using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Crsp;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research crsp universe|returns|lookup</c>: point-in-time CRSP answers from the warehouse.</summary>
public static class CrspCommand
{
    private static readonly string[] Datasets = ["crsp/daily", "crsp/names", "crsp/delisting"];

    public static Command Create(CliOutput output)
    {
        var crsp = new Command("crsp", "Point-in-time CRSP: universe, returns with delisting returns, ticker lookup.");

        var date = CliOptions.Date("--date", "The date (YYYY-MM-DD).");
        var universe = new Command("universe", "Common stocks (share codes 10/11) on NYSE, AMEX or NASDAQ trading on a date.") { date };
        universe.SetAction(parse => Run(parse, output, crspProvider =>
        {
            var list = crspProvider.Universe(parse.GetValue(date));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return;
            }

            var table = new Table().AddColumns("PERMNO", "Ticker", "Company", "SHRCD", "EXCHCD");
            foreach (var s in list)
            {
                table.AddRow(s.Permno.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Ticker ?? ""), Markup.Escape(s.CompanyName ?? ""), s.ShareCode.ToString(CultureInfo.InvariantCulture), s.ExchangeCode.ToString(CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            output.Info($"{list.Count} securities on {parse.GetValue(date):yyyy-MM-dd}");
        }));

        var permno = new Option<int>("--permno") { Description = "CRSP PERMNO.", Required = true };
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var returns = new Command("returns", "Daily returns of one security, with its delisting return (missing performance delisting returns: -30%, Shumway 1997).") { permno, from, to };
        returns.SetAction(parse => Run(parse, output, crspProvider =>
        {
            var list = crspProvider.Returns(parse.GetValue(permno), parse.GetValue(from), parse.GetValue(to));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return;
            }

            foreach (var r in list)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Date:yyyy-MM-dd} {(r.Return is { } x ? x.ToString("F6", CultureInfo.InvariantCulture) : "NULL"),10} {(r.Price is { } p ? p.ToString("F4", CultureInfo.InvariantCulture) : string.Empty),12}{(r.IsDelisting ? " delisting" + (r.DelistingReturnImputed ? " (imputed)" : string.Empty) : string.Empty)}"));
            }
        }));

        var ticker = new Option<string>("--ticker") { Description = "Ticker symbol.", Required = true };
        var onDate = CliOptions.Date("--date", "The date (YYYY-MM-DD).");
        var lookup = new Command("lookup", "The PERMNO that carried a ticker on a date.") { ticker, onDate };
        lookup.SetAction(parse => Run(parse, output, crspProvider =>
        {
            var found = crspProvider.Lookup(parse.GetValue(ticker)!, parse.GetValue(onDate))
                ?? throw new CliException($"No security carried ticker '{parse.GetValue(ticker)}' on {parse.GetValue(onDate):yyyy-MM-dd}.");
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { ticker = parse.GetValue(ticker), date = parse.GetValue(onDate), permno = found });
            }
            else
            {
                output.Out.WriteLine(found.ToString(CultureInfo.InvariantCulture));
            }
        }));

        crsp.Subcommands.Add(universe);
        crsp.Subcommands.Add(returns);
        crsp.Subcommands.Add(lookup);
        return crsp;
    }

    private static int Run(ParseResult parse, CliOutput output, Action<CrspProvider> action)
    {
        using var session = WarehouseOptions.OpenDatasets(parse, Datasets, "'research sync --full-sync --dataset crsp'");
        action(new CrspProvider(session));
        return ExitCodes.Ok;
    }
}
