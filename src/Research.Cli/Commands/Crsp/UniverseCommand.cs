using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Crsp;

/// <summary><c>research crsp universe</c>: common stocks (share codes 10/11) on NYSE, AMEX or NASDAQ trading on a date.</summary>
internal static class UniverseCommand
{
    public static Command Create(CliOutput output)
    {
        var date = CliOptions.Date("--date", "The date (YYYY-MM-DD).");
        var command = new Command("universe", "Common stocks (share codes 10/11) on NYSE, AMEX or NASDAQ trading on a date.") { date };
        command.Validators.Add(result =>
        {
            // A Saturday or a holiday has no universe: said at once, with the session meant (not "0 securities").
            try
            {
                SessionDates.Require(result.GetValue(date));
            }
            catch (CliException e)
            {
                result.AddError(e.Message);
            }
            catch (InvalidOperationException)
            {
                // the date did not parse: its own error says so
            }
        });
        command.SetAction(parse => CrspCommand.Run(parse, output, crspProvider =>
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
        return command;
    }
}
