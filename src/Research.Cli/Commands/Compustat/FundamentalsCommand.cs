using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Compustat;
using Spectre.Console;

namespace Research.Cli.Commands.Compustat;

/// <summary><c>research compustat fundamentals</c>: latest quarterly (by report date) and annual (after the lag) rows known on a date, and the linked PERMNO.</summary>
internal static class FundamentalsCommand
{
    public static Command Create(CliOutput output)
    {
        var gvkey = new Option<string>("--gvkey") { Description = "Compustat GVKEY (six digits).", Required = true };
        var asOf = CliOptions.Date("--as-of", "Date of knowledge (YYYY-MM-DD).");
        var lag = new Option<int>("--annual-lag-days") { Description = "Days after fiscal year end before annual data counts as known.", DefaultValueFactory = _ => 180 }.Between(0, 730);
        var command = new Command("fundamentals", "Latest quarterly (by report date) and annual (after the lag) rows known on a date, and the linked PERMNO.") { gvkey, asOf, lag };
        command.SetAction(parse =>
        {
            using var session = WarehouseOptions.OpenDatasets(parse, CompustatCommand.Datasets, "'research sync --full-sync --dataset compustat' and '--dataset ccm'");
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
        return command;
    }
}
