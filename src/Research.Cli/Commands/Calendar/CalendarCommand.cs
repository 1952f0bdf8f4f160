using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Calendar;

/// <summary><c>research calendar</c>: NYSE sessions, closures and hours.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class CalendarCommand
{
    public static Command Create(CliOutput output)
    {
        var calendar = new Command("calendar", "NYSE trading calendar: sessions, closures and session hours.");
        calendar.Subcommands.Add(SessionsCommand.Create(output));
        calendar.Subcommands.Add(ClosuresCommand.Create(output));
        calendar.Subcommands.Add(HoursCommand.Create(output));
        return calendar;
    }

}
