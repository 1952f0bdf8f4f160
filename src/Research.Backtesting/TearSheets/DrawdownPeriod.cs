namespace Research.Backtesting.TearSheets;

/// <summary>
/// One drawdown: from a wealth peak to the lowest point before wealth regained the peak, and the day it did (null if it
/// has not). <see cref="Sessions"/> counts sessions from the peak to the recovery, or to the last day when still under water.
/// </summary>
public sealed record DrawdownPeriod(DateOnly Peak, DateOnly Trough, DateOnly? Recovery, double Depth, int Sessions)
{
    /// <summary>
    /// The <paramref name="count"/> deepest drawdowns that do not overlap, deepest first. The peak is the last day at the
    /// running maximum of wealth before the fall (the day before the first return when the fall starts on day one).
    /// </summary>
    public static IReadOnlyList<DrawdownPeriod> Worst(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(returns);
        if (dates.Count != returns.Count)
        {
            throw new ArgumentException($"{dates.Count} dates for {returns.Count} returns.", nameof(dates));
        }

        // Walk the wealth curve once: each spell under water becomes one period (peak, trough, recovery).
        var periods = new List<DrawdownPeriod>();
        double wealth = 1, peak = 1, trough = 1;
        int peakAt = -1, troughAt = -1;
        for (var t = 0; t < returns.Count; t++)
        {
            wealth *= 1 + returns[t];
            if (wealth >= peak)
            {
                if (troughAt >= 0)
                {
                    periods.Add(new DrawdownPeriod(PeakDate(dates, peakAt), dates[troughAt], dates[t], (trough / peak) - 1, t - peakAt));
                    troughAt = -1;
                }

                peak = wealth;
                peakAt = t;
                continue;
            }

            if (troughAt < 0 || wealth < trough)
            {
                trough = wealth;
                troughAt = t;
            }
        }

        if (troughAt >= 0)
        {
            periods.Add(new DrawdownPeriod(PeakDate(dates, peakAt), dates[troughAt], null, (trough / peak) - 1, returns.Count - 1 - peakAt));
        }

        return [.. periods.OrderBy(p => p.Depth).ThenBy(p => p.Peak).Take(count)];
    }

    private static DateOnly PeakDate(IReadOnlyList<DateOnly> dates, int peakAt) => peakAt >= 0 ? dates[peakAt] : dates[0].AddDays(-1);
}
