using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Crsp;

/// <summary><c>research crsp lookup</c>: the PERMNO that carried a ticker on a date.</summary>
internal static class LookupCommand
{
    public static Command Create(CliOutput output)
    {
        var ticker = new Option<string>("--ticker") { Description = "Ticker symbol.", Required = true };
        var onDate = CliOptions.Date("--date", "The date (YYYY-MM-DD).");
        var command = new Command("lookup", "The PERMNO that carried a ticker on a date.") { ticker, onDate };
        command.SetAction(parse => CrspCommand.Run(parse, output, crspProvider =>
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
        return command;
    }
}
