using System.Collections.Concurrent;

namespace Research.Core.Calendars;

/// <summary>
/// The New York Stock Exchange trading calendar: which weekdays are sessions, and each session's hours in
/// exchange local time (America/New_York).
/// </summary>
/// <remarks>
/// <para>Exact from 1963-01-01 through <see cref="ExactThrough"/>: rule-based holidays
/// (<see cref="NyseHolidayRules"/>) plus the one-off closures in <see cref="NyseSpecialClosures"/>; the
/// session list is checked date for date against the Ken French daily factor file. After that date only
/// the rules apply, so an unannounced closure (a national day of mourning, a storm) cannot be known.</para>
/// <para>Regular hours: 10:00-15:30 until 1974-09-30, 10:00-16:00 until 1985-09-27, 09:30-16:00 since
/// 1985-09-30; shortened hours during the 1968-70 paperwork crisis. Early closes (13:00) on the day after
/// Thanksgiving, Christmas Eve and 3 July (when a weekday and not itself a holiday) from 1993, with the
/// exceptions the exchange announced (e.g. 5 July 2002, 26 December 1997 and 2003). Early closes before
/// 1993 (14:00 closings on some holiday eves) are not modelled.</para>
/// </remarks>
public sealed class NyseCalendar
{
    private static readonly DateOnly[] ExtraEarlyCloses =
    [
        new(1997, 12, 26), new(2002, 7, 5), new(2003, 12, 26),
    ];

    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<DateOnly, MarketClosure>> _closuresByYear = new();

    private NyseCalendar()
    {
    }

    /// <summary>The shared instance (the calendar is immutable).</summary>
    public static NyseCalendar Instance { get; } = new();

    /// <summary>First date the calendar vouches for.</summary>
    public static DateOnly ExactFrom { get; } = new(1963, 1, 1);

    /// <summary>Last date for which special closures are known; after it, holidays are rule-based only.</summary>
    public static DateOnly ExactThrough { get; } = new(2026, 12, 31);

    /// <summary>The exchange's time zone.</summary>
    public static TimeZoneInfo TimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>True when the exchange held a regular session on <paramref name="date"/>.</summary>
    public bool IsSession(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !ClosuresOf(date.Year).ContainsKey(date);

    /// <summary>The closure on a weekday, or null when the date is a session or a weekend.</summary>
    public MarketClosure? GetClosure(DateOnly date) =>
        ClosuresOf(date.Year).TryGetValue(date, out var closure) ? closure : null;

    /// <summary>All weekday closures in [from, to], in date order.</summary>
    public IReadOnlyList<MarketClosure> Closures(DateOnly from, DateOnly to)
    {
        var result = new List<MarketClosure>();
        for (var year = from.Year; year <= to.Year; year++)
        {
            result.AddRange(ClosuresOf(year).Values.Where(c => c.Date >= from && c.Date <= to).OrderBy(c => c.Date));
        }

        return result;
    }

    /// <summary>All sessions in [from, to] inclusive, in date order.</summary>
    public IReadOnlyList<DateOnly> Sessions(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new ArgumentException($"Session range is empty: from {from:yyyy-MM-dd} is after to {to:yyyy-MM-dd}.", nameof(to));
        }

        var result = new List<DateOnly>((to.DayNumber - from.DayNumber + 1) * 5 / 7 + 2);
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (IsSession(d))
            {
                result.Add(d);
            }
        }

        return result;
    }

    /// <summary>The first session strictly after <paramref name="date"/>.</summary>
    public DateOnly NextSession(DateOnly date)
    {
        var d = date.AddDays(1);
        while (!IsSession(d))
        {
            d = d.AddDays(1);
        }

        return d;
    }

    /// <summary>The last session strictly before <paramref name="date"/>.</summary>
    public DateOnly PreviousSession(DateOnly date)
    {
        var d = date.AddDays(-1);
        while (!IsSession(d))
        {
            d = d.AddDays(-1);
        }

        return d;
    }

    /// <summary>Hours of the session on <paramref name="date"/>, or null when it is not a session.</summary>
    public SessionHours? GetSessionHours(DateOnly date)
    {
        if (!IsSession(date))
        {
            return null;
        }

        var (open, close) = RegularHours(date);
        if (IsEarlyClose(date))
        {
            return new SessionHours(date, open, new TimeOnly(13, 0), IsEarlyClose: true);
        }

        return new SessionHours(date, open, close, IsEarlyClose: false);
    }

    /// <summary>Session open and close as UTC instants, or null when <paramref name="date"/> is not a session.</summary>
    public (DateTimeOffset Open, DateTimeOffset Close)? GetSessionInstants(DateOnly date)
    {
        var hours = GetSessionHours(date);
        if (hours is null)
        {
            return null;
        }

        return (ToInstant(date, hours.Open), ToInstant(date, hours.Close));
    }

    private static DateTimeOffset ToInstant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    private static (TimeOnly Open, TimeOnly Close) RegularHours(DateOnly date)
    {
        var ten = new TimeOnly(10, 0);
        // Paperwork crisis: shortened sessions (NYSE, 1968-1970).
        if (date >= new DateOnly(1968, 1, 22) && date <= new DateOnly(1968, 3, 1))
        {
            return (ten, new TimeOnly(14, 0));
        }

        if (date >= new DateOnly(1969, 1, 2) && date <= new DateOnly(1969, 7, 3))
        {
            return (ten, new TimeOnly(14, 0));
        }

        if (date >= new DateOnly(1969, 7, 7) && date <= new DateOnly(1969, 9, 26))
        {
            return (ten, new TimeOnly(14, 30));
        }

        if (date >= new DateOnly(1969, 9, 29) && date <= new DateOnly(1970, 5, 1))
        {
            return (ten, new TimeOnly(15, 0));
        }

        if (date < new DateOnly(1974, 10, 1))
        {
            return (ten, new TimeOnly(15, 30));
        }

        if (date < new DateOnly(1985, 9, 30))
        {
            return (ten, new TimeOnly(16, 0));
        }

        return (new TimeOnly(9, 30), new TimeOnly(16, 0));
    }

    private static bool IsEarlyClose(DateOnly date)
    {
        if (Array.IndexOf(ExtraEarlyCloses, date) >= 0)
        {
            return true;
        }

        if (date.Year < 1993)
        {
            return false;
        }

        var thanksgiving = NyseHolidayRules.NthWeekday(date.Year, 11, DayOfWeek.Thursday, 4);
        if (date == thanksgiving.AddDays(1))
        {
            return true;
        }

        if (date.Month == 12 && date.Day == 24)
        {
            return true;
        }

        // 3 July, Monday to Thursday (on a Friday it is the observed Independence Day).
        return date.Month == 7 && date.Day == 3 && date.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday;
    }

    private IReadOnlyDictionary<DateOnly, MarketClosure> ClosuresOf(int year) =>
        _closuresByYear.GetOrAdd(year, static y =>
        {
            var map = new Dictionary<DateOnly, MarketClosure>();
            foreach (var holiday in NyseHolidayRules.For(y))
            {
                if (holiday.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                {
                    map.TryAdd(holiday.Date, holiday);
                }
            }

            foreach (var special in NyseSpecialClosures.All)
            {
                if (special.Date.Year == y)
                {
                    map.TryAdd(special.Date, special);
                }
            }

            return map;
        });
}
