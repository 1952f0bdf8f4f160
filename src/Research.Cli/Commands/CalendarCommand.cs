using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research calendar</c>: NYSE sessions, closures and hours.</summary>
public static class CalendarCommand
{
    public static Command Create(CliOutput output)
    {
        var calendar = new Command("calendar", "NYSE trading calendar: sessions, closures and session hours.");

        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var sessions = new Command("sessions", "Print every NYSE session in a date range, one ISO date per line.") { from, to };
        sessions.SetAction(parse =>
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

        var closuresFrom = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var closuresTo = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var closures = new Command("closures", "List weekday closures (holidays and special closures) in a date range.") { closuresFrom, closuresTo };
        closures.SetAction(parse =>
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

        var date = CliOptions.Date("--date", "The date (YYYY-MM-DD).");
        var hours = new Command("hours", "Show the session hours of a date in exchange time (America/New_York).") { date };
        hours.SetAction(parse =>
        {
            var d = parse.GetValue(date);
            var h = NyseCalendar.Instance.GetSessionHours(d)
                ?? throw new CliException($"{d:yyyy-MM-dd} is not an NYSE session ({NyseCalendar.Instance.GetClosure(d)?.Reason ?? d.DayOfWeek.ToString()}).");
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { date = d, open = h.Open.ToString("HH:mm", CultureInfo.InvariantCulture), close = h.Close.ToString("HH:mm", CultureInfo.InvariantCulture), earlyClose = h.IsEarlyClose, timeZone = "America/New_York" });
            }
            else
            {
                output.Out.WriteLine($"{d:yyyy-MM-dd} {h.Open:HH\\:mm}-{h.Close:HH\\:mm} America/New_York{(h.IsEarlyClose ? " (early close)" : string.Empty)}");
            }

            return ExitCodes.Ok;
        });

        calendar.Subcommands.Add(sessions);
        calendar.Subcommands.Add(closures);
        calendar.Subcommands.Add(hours);
        return calendar;
    }
}
