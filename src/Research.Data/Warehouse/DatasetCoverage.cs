using Research.Core.Calendars;

namespace Research.Data.Warehouse;

/// <summary>How often a dataset has rows: every trading session, month, quarter or year.</summary>
public enum CoverageFrequency
{
    Daily,
    Monthly,
    Quarterly,
    Annual,
}

/// <summary>A date with the rows and distinct symbols it has.</summary>
public sealed record CoverageDay(DateOnly Date, long Rows, long Symbols);

/// <summary>
/// A run of missing periods: NYSE sessions for daily data, months, quarters or years otherwise; <paramref name="Periods"/>
/// counts them.
/// </summary>
public sealed record CoverageGap(DateOnly From, DateOnly To, int Periods);

/// <summary>
/// Where a dataset has data: its date column, the symbol column counted per date (null when it has none), the first and
/// last dates, each date's rows and symbols, the frequency read from the dates, and the gaps inside the range.
/// </summary>
public sealed record DatasetCoverageResult(
    string DateColumn,
    string? SymbolColumn,
    DateOnly First,
    DateOnly Last,
    CoverageFrequency Frequency,
    IReadOnlyList<CoverageDay> Days,
    IReadOnlyList<CoverageGap> Gaps)
{
    /// <summary>Missing periods in all (sums the gaps).</summary>
    public int MissingPeriods => Gaps.Sum(g => g.Periods);
}

/// <summary>
/// Coverage of one dataset of a pinned session (<see cref="WarehouseQuerySession"/>), with platform SQL:
/// 1. The date column is a DATE column named <c>date</c>, else the first DATE column (<c>datadate</c>, ...).
/// 2. The symbol column is the first of <see cref="SymbolColumns"/> the dataset has.
/// 3. Rows and distinct symbols per date come from one GROUP BY in DuckDB.
/// 4. The frequency is the median spacing of consecutive dates: up to 5 days daily, up to 45 monthly, up to 120
///    quarterly, else annual.
/// 5. Gaps: daily data misses the NYSE sessions (holidays and half days as the exchange kept them, within the calendar's
///    exact range) without a row; other data misses calendar months, quarters or years without a row.
/// </summary>
public static class DatasetCoverage
{
    /// <summary>Columns that name a security, in the order they are preferred.</summary>
    public static IReadOnlyList<string> SymbolColumns { get; } = ["permno", "gvkey", "symbol", "ticker", "sym_root", "permco", "cusip", "industry", "portfolio"];

    /// <summary>Coverage of <paramref name="dataset"/>, or null when it has no DATE column or no dated rows.</summary>
    public static DatasetCoverageResult? Compute(WarehouseQuerySession session, string dataset)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        if (!session.Pinned.TryGetValue(dataset, out var manifest) || manifest.Files.Count == 0)
        {
            return null;
        }

        var view = WarehouseQuerySession.ViewName(dataset);
        var quoted = string.Join('.', view.Split('.').Select(DuckDbSql.Identifier));
        var columns = new List<(string Name, string Type)>();
        using (var describe = session.CreateTrustedCommand($"DESCRIBE {quoted}"))
        using (var reader = describe.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var dates = columns.Where(c => c.Type == "DATE").Select(c => c.Name).ToList();
        if (dates.Count == 0)
        {
            return null;
        }

        var dateColumn = dates.Contains("date", StringComparer.OrdinalIgnoreCase) ? dates.First(d => d.Equals("date", StringComparison.OrdinalIgnoreCase)) : dates[0];
        var symbolColumn = SymbolColumns.Select(s => columns.FirstOrDefault(c => c.Name.Equals(s, StringComparison.OrdinalIgnoreCase)).Name).FirstOrDefault(n => n is not null);
        var days = new List<CoverageDay>();
        var symbols = symbolColumn is null ? "0" : $"count(DISTINCT {DuckDbSql.Identifier(symbolColumn)})";
        using (var command = session.CreateTrustedCommand(
            $"SELECT {DuckDbSql.Identifier(dateColumn)} AS d, count(*), {symbols} FROM {quoted} WHERE {DuckDbSql.Identifier(dateColumn)} IS NOT NULL GROUP BY 1 ORDER BY 1"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                days.Add(new CoverageDay(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        if (days.Count == 0)
        {
            return null;
        }

        var frequency = Frequency(days);
        return new DatasetCoverageResult(dateColumn, symbolColumn, days[0].Date, days[^1].Date, frequency, days, Gaps(days, frequency));
    }

    /// <summary>The frequency read from the median spacing of consecutive dates (one date: daily).</summary>
    public static CoverageFrequency Frequency(IReadOnlyList<CoverageDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Count < 2)
        {
            return CoverageFrequency.Daily;
        }

        var spacing = new int[days.Count - 1];
        for (var i = 1; i < days.Count; i++)
        {
            spacing[i - 1] = days[i].Date.DayNumber - days[i - 1].Date.DayNumber;
        }

        Array.Sort(spacing);
        var median = spacing[spacing.Length / 2];
        return median <= 5 ? CoverageFrequency.Daily : median <= 45 ? CoverageFrequency.Monthly : median <= 120 ? CoverageFrequency.Quarterly : CoverageFrequency.Annual;
    }

    /// <summary>Runs of missing periods between the first and the last date (see the class summary).</summary>
    public static IReadOnlyList<CoverageGap> Gaps(IReadOnlyList<CoverageDay> days, CoverageFrequency frequency)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Count == 0)
        {
            return [];
        }

        var first = days[0].Date;
        var last = days[^1].Date;
        List<(DateOnly Start, DateOnly End)> expected;
        if (frequency == CoverageFrequency.Daily)
        {
            var from = first < NyseCalendar.ExactFrom ? NyseCalendar.ExactFrom : first;
            var to = last > NyseCalendar.ExactThrough ? NyseCalendar.ExactThrough : last;
            expected = from > to ? [] : [.. NyseCalendar.Instance.Sessions(from, to).Select(s => (s, s))];
        }
        else
        {
            var months = frequency switch { CoverageFrequency.Monthly => 1, CoverageFrequency.Quarterly => 3, _ => 12 };
            expected = [];
            for (var start = Period(first, months); start <= last; start = start.AddMonths(months))
            {
                expected.Add((start, start.AddMonths(months).AddDays(-1)));
            }
        }

        var present = days.Select(d => d.Date).ToArray(); // sorted
        var gaps = new List<CoverageGap>();
        var index = 0;
        (DateOnly From, DateOnly To, int Count)? open = null;
        foreach (var (start, end) in expected)
        {
            while (index < present.Length && present[index] < start)
            {
                index++;
            }

            var covered = index < present.Length && present[index] <= end;
            if (covered)
            {
                if (open is { } o)
                {
                    gaps.Add(new CoverageGap(o.From, o.To, o.Count));
                    open = null;
                }
            }
            else
            {
                open = open is { } o ? (o.From, end, o.Count + 1) : (start, end, 1);
            }
        }

        if (open is { } tail)
        {
            gaps.Add(new CoverageGap(tail.From, tail.To, tail.Count));
        }

        return gaps;
    }

    /// <summary>The first day of the month, quarter or year holding <paramref name="date"/>.</summary>
    private static DateOnly Period(DateOnly date, int months) => months switch
    {
        1 => new DateOnly(date.Year, date.Month, 1),
        3 => new DateOnly(date.Year, ((date.Month - 1) / 3 * 3) + 1, 1),
        _ => new DateOnly(date.Year, 1, 1),
    };
}
