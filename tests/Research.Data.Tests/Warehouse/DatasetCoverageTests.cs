using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

/// <summary>Coverage of a dataset: frequency from the dates, gaps against the NYSE sessions or calendar periods, per-date counts from DuckDB.</summary>
public sealed class DatasetCoverageTests
{
    private static List<CoverageDay> Days(IEnumerable<DateOnly> dates) => [.. dates.Select(d => new CoverageDay(d, 1, 1))];

    [Fact]
    public void Daily_gaps_are_the_sessions_without_a_row_and_exchange_holidays_are_not_gaps()
    {
        // January 2024's sessions up to the 30th (the 1st and MLK day, the 15th, are closed) without the 10th, 11th and 22nd.
        var sessions = NyseCalendar.Instance.Sessions(new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 30));
        var present = sessions.Where(d => d != new DateOnly(2024, 1, 10) && d != new DateOnly(2024, 1, 11) && d != new DateOnly(2024, 1, 22)).ToList();
        var days = Days(present);
        Assert.Equal(CoverageFrequency.Daily, DatasetCoverage.Frequency(days));
        var gaps = DatasetCoverage.Gaps(days, CoverageFrequency.Daily);
        Assert.Equal([new CoverageGap(new DateOnly(2024, 1, 10), new DateOnly(2024, 1, 11), 2), new CoverageGap(new DateOnly(2024, 1, 22), new DateOnly(2024, 1, 22), 1)], gaps);
        Assert.DoesNotContain(gaps, g => g.From <= new DateOnly(2024, 1, 15) && g.To >= new DateOnly(2024, 1, 15)); // MLK day: closed
    }

    [Fact]
    public void Monthly_quarterly_and_annual_data_miss_whole_periods()
    {
        // Month-end dates (as Fama-French monthly files have) from Jan 2020 to Dec 2020 without April to June.
        var months = Enumerable.Range(1, 12).Where(m => m is < 4 or > 6).Select(m => new DateOnly(2020, m, DateTime.DaysInMonth(2020, m))).ToList();
        Assert.Equal(CoverageFrequency.Monthly, DatasetCoverage.Frequency(Days(months)));
        Assert.Equal([new CoverageGap(new DateOnly(2020, 4, 1), new DateOnly(2020, 6, 30), 3)], DatasetCoverage.Gaps(Days(months), CoverageFrequency.Monthly));

        var quarters = new[] { new DateOnly(2019, 3, 31), new DateOnly(2019, 6, 30), new DateOnly(2019, 12, 31), new DateOnly(2020, 3, 31) };
        Assert.Equal(CoverageFrequency.Quarterly, DatasetCoverage.Frequency(Days(quarters)));
        Assert.Equal([new CoverageGap(new DateOnly(2019, 7, 1), new DateOnly(2019, 9, 30), 1)], DatasetCoverage.Gaps(Days(quarters), CoverageFrequency.Quarterly));

        // Fiscal year-ends in different months still count one per year; 2017 and 2018 are missing.
        var years = new[] { new DateOnly(2015, 12, 31), new DateOnly(2016, 6, 30), new DateOnly(2019, 9, 30), new DateOnly(2020, 12, 31) };
        Assert.Equal(CoverageFrequency.Annual, DatasetCoverage.Frequency(Days(years)));
        Assert.Equal([new CoverageGap(new DateOnly(2017, 1, 1), new DateOnly(2018, 12, 31), 2)], DatasetCoverage.Gaps(Days(years), CoverageFrequency.Annual));
    }

    [Fact]
    public async Task Coverage_counts_rows_and_distinct_symbols_per_date_of_the_pinned_version()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 7, 1);
        using var session = w.Open();
        var coverage = DatasetCoverage.Compute(session, "crsp/daily");
        Assert.NotNull(coverage);
        Assert.Equal(("date", "permno"), (coverage.DateColumn, coverage.SymbolColumn));
        Assert.Equal([new CoverageDay(new DateOnly(2024, 12, 31), 7, 7)], coverage.Days);
        Assert.Empty(coverage.Gaps);
        Assert.Null(DatasetCoverage.Compute(session, "no/such"));
    }
}
