namespace Research.Core.Calendars;

/// <summary>
/// One-off NYSE closures since 1963 (funerals and days of mourning, weather, emergencies and the 1968
/// "paperwork crisis"), from the NYSE's own history of closings and cross-checked, date for date, against
/// the trading days of the Ken French daily factor file (see the calendar tests).
/// </summary>
internal static class NyseSpecialClosures
{
    /// <summary>
    /// The 1968 paperwork crisis: from 12 June to the end of 1968 the exchange closed on Wednesdays so that
    /// back offices could clear the backlog, except in weeks that already had a holiday.
    /// </summary>
    private static readonly DateOnly[] PaperworkCrisisWednesdays1968 = Wednesdays1968();

    public static IReadOnlyList<MarketClosure> All { get; } = Build();

    private static MarketClosure[] Build()
    {
        var list = new List<MarketClosure>
        {
            Special(1963, 11, 25, "Funeral of President John F. Kennedy"),
            Special(1968, 2, 12, "Lincoln's Birthday"),
            Special(1968, 4, 9, "Day of mourning for Martin Luther King Jr."),
            Special(1968, 7, 5, "Day after Independence Day (paperwork backlog)"),
            Special(1968, 11, 11, "Veterans Day"),
            Special(1969, 2, 10, "Snowstorm"),
            Special(1969, 3, 31, "Funeral of President Dwight D. Eisenhower"),
            Special(1969, 7, 21, "Apollo 11 moon landing"),
            Special(1972, 12, 28, "Funeral of President Harry S. Truman"),
            Special(1973, 1, 25, "Funeral of President Lyndon B. Johnson"),
            Special(1977, 7, 14, "New York City blackout"),
            Special(1985, 9, 27, "Hurricane Gloria"),
            Special(1994, 4, 27, "Funeral of President Richard M. Nixon"),
            Special(2001, 9, 11, "September 11 attacks"),
            Special(2001, 9, 12, "September 11 attacks"),
            Special(2001, 9, 13, "September 11 attacks"),
            Special(2001, 9, 14, "September 11 attacks"),
            Special(2004, 6, 11, "Funeral of President Ronald Reagan"),
            Special(2007, 1, 2, "Day of mourning for President Gerald R. Ford"),
            Special(2012, 10, 29, "Hurricane Sandy"),
            Special(2012, 10, 30, "Hurricane Sandy"),
            Special(2018, 12, 5, "Day of mourning for President George H. W. Bush"),
            Special(2025, 1, 9, "Day of mourning for President Jimmy Carter"),
        };
        foreach (var wednesday in PaperworkCrisisWednesdays1968)
        {
            list.Add(new MarketClosure(wednesday, "Paperwork crisis Wednesday closing", IsSpecial: true));
        }

        return [.. list.OrderBy(c => c.Date)];
    }

    private static DateOnly[] Wednesdays1968()
    {
        var result = new List<DateOnly>();
        var holidays = NyseHolidayRules.For(1968).Select(h => h.Date).ToHashSet();
        holidays.Add(new DateOnly(1968, 7, 5));
        holidays.Add(new DateOnly(1968, 11, 11));
        for (var d = new DateOnly(1968, 6, 12); d.Year == 1968; d = d.AddDays(7))
        {
            var monday = d.AddDays(-2);
            var weekHasHoliday = Enumerable.Range(0, 5).Any(i => holidays.Contains(monday.AddDays(i)));
            if (!weekHasHoliday)
            {
                result.Add(d);
            }
        }

        return [.. result];
    }

    private static MarketClosure Special(int y, int m, int d, string reason) =>
        new(new DateOnly(y, m, d), reason, IsSpecial: true);
}
