using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Spectre.Console;

namespace Research.Cli.Commands.Calendar;

/// <summary><c>research calendar sessions</c>: print every NYSE session in a date range, one ISO date per line.</summary>
internal static class SessionsCommand
{
    public static Command Create(CliOutput output)
    {
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var command = new Command("sessions", "Print every NYSE session in a date range, one ISO date per line.") { from, to };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(parse =>
        {
            var list = NyseCalendar.Instance.Sessions(parse.GetValue(from), parse.GetValue(to));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }
            else
            {
                foreach (var d in list)
                {
                    output.Out.WriteLine(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
