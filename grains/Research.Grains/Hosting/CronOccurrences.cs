using Cronos;

namespace Research.Grains.Hosting;

/// <summary>
/// Cron schedules of the schedule grains (ETL, reports): five fields (minute hour day-of-month month day-of-week) in an
/// IANA time zone, so "30 7 * * 1" is Monday 07:30 in New York summer and winter alike.
/// </summary>
public static class CronOccurrences
{
    /// <summary>
    /// The parsed expression and zone; a bad one is refused naming it (Cronos' own exception does not travel to clients:
    /// its message does, without a parameter suffix, since callers show it to users as it is).
    /// </summary>
    public static (CronExpression Cron, TimeZoneInfo Zone) Parse(string cron, string timeZone)
    {
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(cron);
        }
        catch (CronFormatException e)
        {
            throw new ArgumentException($"Cron expression '{cron}': {e.Message} (five fields: minute hour day-of-month month day-of-week, e.g. '30 22 * * 1-5').");
        }

        try
        {
            return (expression, TimeZoneInfo.FindSystemTimeZoneById(timeZone));
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new ArgumentException($"Time zone '{timeZone}' is not known here (use an IANA name such as America/New_York).", e);
        }
    }

    /// <summary>The latest occurrence after <paramref name="after"/> that is not later than <paramref name="now"/>, or null (missed occurrences are served once, not once each).</summary>
    public static DateTimeOffset? LastDue(string cron, string timeZone, DateTimeOffset after, DateTimeOffset now)
    {
        var (expression, zone) = Parse(cron, timeZone);
        DateTimeOffset? latest = null;
        for (var next = expression.GetNextOccurrence(after, zone); next is { } n && n <= now; next = expression.GetNextOccurrence(n, zone))
        {
            latest = n;
        }

        return latest;
    }

    /// <summary>The first occurrence after <paramref name="after"/>, or null when there is none.</summary>
    public static DateTimeOffset? Next(string cron, string timeZone, DateTimeOffset after)
    {
        var (expression, zone) = Parse(cron, timeZone);
        return expression.GetNextOccurrence(after, zone);
    }
}
