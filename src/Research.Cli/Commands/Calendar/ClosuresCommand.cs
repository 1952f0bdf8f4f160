using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Spectre.Console;

namespace Research.Cli.Commands.Calendar;

/// <summary><c>research calendar closures</c>: list weekday closures (holidays and special closures) in a date range.</summary>
internal static class ClosuresCommand
{
    public static Command Create(CliOutput output)
    {
        var closuresFrom = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var closuresTo = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var command = new Command("closures", "List weekday closures (holidays and special closures) in a date range.") { closuresFrom, closuresTo };
        CliOptions.RequireOrdered(command, closuresFrom, closuresTo);
        command.SetAction(parse =>
        {
            var list = NyseCalendar.Instance.Closures(parse.GetValue(closuresFrom), parse.GetValue(closuresTo));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Date", "Weekday", "Reason", "Kind");
            foreach (var c in list)
            {
                table.AddRow(c.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Date.DayOfWeek.ToString(), Markup.Escape(c.Reason), c.IsSpecial ? "special" : "holiday");
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
