using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;

namespace Research.Cli.Commands.Calendar;

/// <summary><c>research calendar hours</c>: show the session hours of a date in exchange time (America/New_York).</summary>
internal static class HoursCommand
{
    public static Command Create(CliOutput output)
    {
        var date = CliOptions.Date("--date", "The date (YYYY-MM-DD).");
        var command = new Command("hours", "Show the session hours of a date in exchange time (America/New_York).") { date };
        command.SetAction(parse =>
        {
            var d = parse.GetValue(date);
            var h = NyseCalendar.Instance.GetSessionHours(SessionDates.Require(d))!;
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
        return command;
    }
}
