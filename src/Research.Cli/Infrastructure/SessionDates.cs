using Research.Core.Calendars;

namespace Research.Cli.Infrastructure;

/// <summary>Commands that answer for one trading day refuse a date that is not one, saying why and which day was meant.</summary>
public static class SessionDates
{
    /// <summary>Throws a <see cref="CliException"/> unless <paramref name="date"/> is an NYSE session.</summary>
    public static DateOnly Require(DateOnly date)
    {
        var calendar = NyseCalendar.Instance;
        if (calendar.IsSession(date))
        {
            return date;
        }

        var why = calendar.GetClosure(date)?.Reason ?? date.DayOfWeek.ToString();
        throw new CliException($"{date:yyyy-MM-dd} is not an NYSE session ({why}); the session before it is {calendar.PreviousSession(date):yyyy-MM-dd}.");
    }
}
