using Research.Core.Calendars;

namespace Research.Data.Fetching;

/// <summary>Which day's data is final: the fetcher, the ETL and its schedule all cut their ranges here.</summary>
public static class CompletedSessions
{
    /// <summary>Hour in New York after which the day's daily bar is taken as final (the close is at 16:00; data vendors settle later).</summary>
    public const int FinalAfterHour = 18;

    /// <summary>The last day whose daily bar is final at <paramref name="now"/>: today in New York from 18:00, else yesterday.</summary>
    public static DateOnly LastCompletedDay(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, NyseCalendar.TimeZone).DateTime;
        var today = DateOnly.FromDateTime(local);
        return local.Hour >= FinalAfterHour ? today : today.AddDays(-1);
    }
}
