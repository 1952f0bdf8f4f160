using System.Globalization;
using Research.Core.Calendars;
using Research.Testing;

namespace Research.Core.Tests.Calendars;

public sealed class NyseCalendarTests
{
    private static readonly NyseCalendar Calendar = NyseCalendar.Instance;

    [Fact]
    public void Sessions_from_1963_to_October_2025_equal_the_dates_of_the_French_daily_factor_file()
    {
        var file = Path.Combine(TestEnvironment.RequireRealData(), "french", "202510", "F-F_Research_Data_Factors_daily.csv");
        var french = ReadFrenchDates(file).Where(d => d >= new DateOnly(1963, 1, 2)).ToList();
        Assert.Equal(new DateOnly(2025, 10, 31), french[^1]);

        var sessions = Calendar.Sessions(new DateOnly(1963, 1, 2), new DateOnly(2025, 10, 31));

        var missing = french.Except(sessions).ToList();
        var extra = sessions.Except(french).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"calendar closed on French trading days: [{string.Join(", ", missing)}]; " +
            $"calendar open on days French has no data: [{string.Join(", ", extra)}]");
        Assert.Equal(french, sessions);
    }

    [Fact]
    public void Year_1968_has_226_sessions_with_the_paperwork_crisis_Wednesdays_closed()
    {
        Assert.Equal(226, Calendar.Sessions(new DateOnly(1968, 1, 1), new DateOnly(1968, 12, 31)).Count);
        Assert.False(Calendar.IsSession(new DateOnly(1968, 6, 12)));
        Assert.Equal("Paperwork crisis Wednesday closing", Calendar.GetClosure(new DateOnly(1968, 6, 19))!.Reason);
    }

    [Theory]
    [InlineData("2001-09-11")]
    [InlineData("2001-09-12")]
    [InlineData("2001-09-13")]
    [InlineData("2001-09-14")]
    [InlineData("2012-10-29")]
    [InlineData("2012-10-30")]
    [InlineData("2018-12-05")]
    [InlineData("2025-01-09")]
    [InlineData("2026-04-03")] // Good Friday
    [InlineData("2026-06-19")] // Juneteenth
    [InlineData("2026-07-03")] // Independence Day observed (4 July is a Saturday)
    [InlineData("2026-11-26")] // Thanksgiving
    public void Special_closures_and_holidays_are_not_sessions(string date)
    {
        var d = DateOnly.Parse(date, CultureInfo.InvariantCulture);
        Assert.False(Calendar.IsSession(d));
        Assert.NotNull(Calendar.GetClosure(d));
    }

    [Fact]
    public void New_Years_Day_on_a_Saturday_is_not_observed_on_the_Friday()
    {
        // 1 Jan 2022 was a Saturday; 31 Dec 2021 was a full session.
        Assert.True(Calendar.IsSession(new DateOnly(2021, 12, 31)));
        Assert.False(Calendar.GetSessionHours(new DateOnly(2021, 12, 31))!.IsEarlyClose);
    }

    [Fact]
    public void Year_2026_has_the_published_holiday_count_and_sessions()
    {
        // NYSE's published 2026 calendar: 10 holidays on weekdays, 251 sessions.
        var closures = Calendar.Closures(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));
        Assert.Equal(10, closures.Count);
        Assert.Equal(251, Calendar.Sessions(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)).Count);
    }

    [Theory]
    [InlineData("2025-07-03", 13, 0, true)]
    [InlineData("2025-11-28", 13, 0, true)]
    [InlineData("2025-12-24", 13, 0, true)]
    [InlineData("2025-12-23", 16, 0, false)]
    [InlineData("2002-07-05", 13, 0, true)]
    [InlineData("1980-06-02", 16, 0, false)]
    [InlineData("1970-06-01", 15, 30, false)]
    public void Session_closes_at_the_exchange_local_time(string date, int hour, int minute, bool early)
    {
        var hours = Calendar.GetSessionHours(DateOnly.Parse(date, CultureInfo.InvariantCulture))!;
        Assert.Equal(new TimeOnly(hour, minute), hours.Close);
        Assert.Equal(early, hours.IsEarlyClose);
    }

    [Fact]
    public void Session_instants_follow_daylight_saving_time()
    {
        // 09:30 New York is 14:30 UTC in winter (EST) and 13:30 UTC in summer (EDT).
        var winter = Calendar.GetSessionInstants(new DateOnly(2025, 1, 15))!.Value;
        var summer = Calendar.GetSessionInstants(new DateOnly(2025, 7, 15))!.Value;
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 14, 30, 0, TimeSpan.Zero), winter.Open.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2025, 7, 15, 13, 30, 0, TimeSpan.Zero), summer.Open.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2025, 7, 15, 20, 0, 0, TimeSpan.Zero), summer.Close.ToUniversalTime());
    }

    [Fact]
    public void Rules_continue_after_the_exact_range()
    {
        // 2027: Juneteenth on a Saturday is observed Friday 18 June; Christmas on a Saturday, Friday 24 Dec.
        Assert.False(Calendar.IsSession(new DateOnly(2027, 6, 18)));
        Assert.False(Calendar.IsSession(new DateOnly(2027, 12, 24)));
        Assert.Equal(new DateOnly(2027, 3, 26), Calendar.GetClosure(new DateOnly(2027, 3, 26))!.Date); // Good Friday
    }

    [Fact]
    public void Next_and_previous_session_skip_weekends_and_holidays()
    {
        Assert.Equal(new DateOnly(2025, 1, 10), Calendar.NextSession(new DateOnly(2025, 1, 8)));
        Assert.Equal(new DateOnly(2024, 12, 31), Calendar.PreviousSession(new DateOnly(2025, 1, 2)));
    }

    private static IEnumerable<DateOnly> ReadFrenchDates(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma == 8 && DateOnly.TryParseExact(line.AsSpan(0, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                yield return d;
            }
        }
    }
}
