namespace Research.Core.Calendars;

/// <summary>
/// Rule-based NYSE holidays. Each rule returns the weekday the exchange was closed in a given year, or
/// null when the rule does not apply that year (e.g. MLK Day before 1998).
/// </summary>
/// <remarks>
/// Observance (NYSE Rule 7.2, and its predecessors since the end of Saturday trading in 1952): a holiday
/// on a Sunday is observed the following Monday; a holiday on a Saturday is observed the preceding
/// Friday, except New Year's Day, which is then not observed at all (the Friday is the last trading
/// day of a month, quarter and year).
/// Dates of introduction: Washington's Birthday and Memorial Day moved to Mondays in 1971 (Uniform Monday
/// Holiday Act; in 1970, the last year of the old rule, Saturday 30 May was not observed); Election Day closed every year through 1968 and in presidential years 1972-1980;
/// Martin Luther King Jr. Day from 1998; Juneteenth from 2022.
/// </remarks>
internal static class NyseHolidayRules
{
    public static IEnumerable<MarketClosure> For(int year)
    {
        var newYear = new DateOnly(year, 1, 1);
        if (newYear.DayOfWeek == DayOfWeek.Sunday)
        {
            yield return Holiday(newYear.AddDays(1), "New Year's Day");
        }
        else if (newYear.DayOfWeek != DayOfWeek.Saturday)
        {
            yield return Holiday(newYear, "New Year's Day");
        }

        if (year >= 1998)
        {
            yield return Holiday(NthWeekday(year, 1, DayOfWeek.Monday, 3), "Martin Luther King Jr. Day");
        }

        yield return year >= 1971
            ? Holiday(NthWeekday(year, 2, DayOfWeek.Monday, 3), "Washington's Birthday")
            : Holiday(Observed(new DateOnly(year, 2, 22)), "Washington's Birthday");

        yield return Holiday(EasterSunday(year).AddDays(-2), "Good Friday");

        if (year >= 1971)
        {
            yield return Holiday(LastWeekday(year, 5, DayOfWeek.Monday), "Memorial Day");
        }
        else if (year != 1970)
        {
            // 30 May 1970 fell on a Saturday and the exchange traded on Friday 29 May.
            yield return Holiday(Observed(new DateOnly(year, 5, 30)), "Memorial Day");
        }

        if (year >= 2022)
        {
            yield return Holiday(Observed(new DateOnly(year, 6, 19)), "Juneteenth National Independence Day");
        }

        yield return Holiday(Observed(new DateOnly(year, 7, 4)), "Independence Day");
        yield return Holiday(NthWeekday(year, 9, DayOfWeek.Monday, 1), "Labor Day");

        if (year <= 1968 || (year <= 1980 && year % 4 == 0))
        {
            // First Tuesday after the first Monday of November.
            yield return Holiday(NthWeekday(year, 11, DayOfWeek.Monday, 1).AddDays(1), "Election Day");
        }

        yield return Holiday(NthWeekday(year, 11, DayOfWeek.Thursday, 4), "Thanksgiving Day");
        yield return Holiday(Observed(new DateOnly(year, 12, 25)), "Christmas Day");
    }

    /// <summary>Saturday holidays are observed on Friday, Sunday holidays on Monday.</summary>
    internal static DateOnly Observed(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => date.AddDays(-1),
        DayOfWeek.Sunday => date.AddDays(1),
        _ => date,
    };

    /// <summary>The n-th (1-based) given weekday of a month.</summary>
    internal static DateOnly NthWeekday(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    /// <summary>The last given weekday of a month.</summary>
    internal static DateOnly LastWeekday(int year, int month, DayOfWeek weekday)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        var offset = ((int)last.DayOfWeek - (int)weekday + 7) % 7;
        return last.AddDays(-offset);
    }

    /// <summary>
    /// Gregorian Easter Sunday by the anonymous (Meeus/Jones/Butcher) algorithm,
    /// J. Meeus, Astronomical Algorithms (1991), ch. 8.
    /// </summary>
    internal static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private static MarketClosure Holiday(DateOnly date, string name) => new(date, name, IsSpecial: false);
}
