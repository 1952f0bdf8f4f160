namespace Research.Backtesting.TearSheets;

/// <summary>A calendar year's compounded return (and the benchmark's over the same days), with how many sessions it covers (a partial first or last year says so).</summary>
public sealed record AnnualReturn(int Year, double Return, double? Benchmark, int Sessions)
{
    public static IReadOnlyList<AnnualReturn> Of(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns, IReadOnlyList<double>? benchmark = null)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(returns);
        var years = new List<AnnualReturn>();
        var t = 0;
        while (t < dates.Count)
        {
            var year = dates[t].Year;
            double growth = 1, bench = 1;
            var first = t;
            for (; t < dates.Count && dates[t].Year == year; t++)
            {
                growth *= 1 + returns[t];
                bench *= benchmark is null ? 1 : 1 + benchmark[t];
            }

            years.Add(new AnnualReturn(year, growth - 1, benchmark is null ? null : bench - 1, t - first));
        }

        return years;
    }
}
