using Research.Data.Fetching;

namespace Research.Data.Providers.Yahoo;

/// <summary>
/// Turns a Yahoo series into the fetcher's bars. Yahoo's <c>close</c> is split-adjusted to the fetch day and its
/// dividends are on the same basis, so on consecutive bars t-1, t (Fama and French's and CRSP's definitions):
/// <list type="bullet">
/// <item>total return <c>ret = (close_t + dividend_t) / close_{t-1} - 1</c>;</item>
/// <item>price return <c>retx = close_t / close_{t-1} - 1</c>.</item>
/// </list>
/// Both are unchanged by a later split or a later dividend (they rescale every earlier price alike), which is why the
/// warehouse keeps returns, not Yahoo's adjusted prices, as the comparable quantity. Yahoo's own <c>adjclose</c>
/// ratio differs on an ex-date: it multiplies earlier prices by 1 - d/close_{t-1} and so gives close_t / (close_{t-1} - d) - 1,
/// a difference of order (d/close)·ret. A missing close on either bar leaves both returns missing (never zero).
/// A dividend or split dated on a day without a bar is moved to the next bar and said in the warnings.
/// </summary>
public static class YahooReturns
{
    /// <summary>The development-only caveats every result built on Yahoo data carries (<c>docs/CONCEPTS/yahoo-limitations.md</c>).</summary>
    public static IReadOnlyList<string> DevelopmentWarnings { get; } =
    [
        "Yahoo data is for development only: survivors only (delisted symbols are missing), so results carry survivorship bias.",
        "Yahoo prices are adjusted to the day they were fetched (splits in close, splits and dividends in adjclose), not as traded; compare with returns.",
        "Yahoo has no delisting returns: a position's last return before a delisting is missing, not the loss CRSP records.",
    ];

    public static PriceHistory ToHistory(YahooChartSeries series, DateOnly from, DateOnly to, string source, bool fromCache)
    {
        ArgumentNullException.ThrowIfNull(series);
        var warnings = new List<string>(DevelopmentWarnings);
        if (series.UnitScale != 1)
        {
            warnings.Add($"{series.Symbol} is quoted in {series.QuotedCurrency}; prices and dividends were divided by {series.UnitScale:0} into {series.Currency}.");
        }

        var dividends = Events(series.Dividends.Select(d => (d.Date, d.Amount)), series, "dividend", warnings, add: true);
        var splits = Events(series.Splits.Select(s => (s.Date, s.Numerator / s.Denominator)), series, "split", warnings, add: false);
        var bars = new List<DailyBar>(series.Bars.Count);
        double? previous = null;
        foreach (var bar in series.Bars)
        {
            var dividend = dividends.GetValueOrDefault(bar.Date);
            double? ret = null, retx = null;
            if (previous is { } p && p > 0 && bar.Close is { } c)
            {
                ret = ((c + (dividend ?? 0)) / p) - 1;
                retx = (c / p) - 1;
            }

            previous = bar.Close;
            if (bar.Date >= from && bar.Date <= to)
            {
                bars.Add(new DailyBar(bar.Date, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume, ret, retx, dividend, splits.GetValueOrDefault(bar.Date)));
            }
        }

        return new PriceHistory(series.Symbol.ToUpperInvariant(), source, series.Currency, bars, warnings, fromCache);
    }

    /// <summary>Events by the bar they apply to: their own date, or the next bar's when that day has none.</summary>
    private static Dictionary<DateOnly, double?> Events(IEnumerable<(DateOnly Date, double Value)> events, YahooChartSeries series, string kind, List<string> warnings, bool add)
    {
        var byBar = new Dictionary<DateOnly, double?>();
        var dates = series.Bars.Select(b => b.Date).ToList();
        foreach (var (date, value) in events)
        {
            var index = dates.BinarySearch(date);
            if (index < 0)
            {
                index = ~index;
                if (index >= dates.Count)
                {
                    warnings.Add($"{series.Symbol}: a {kind} on {date:yyyy-MM-dd} is after the last bar; left out.");
                    continue;
                }

                warnings.Add($"{series.Symbol}: a {kind} on {date:yyyy-MM-dd} has no bar that day; applied on {dates[index]:yyyy-MM-dd}.");
            }

            var day = dates[index];
            byBar[day] = byBar.TryGetValue(day, out var existing) && existing is { } e ? (add ? e + value : e * value) : value;
        }

        return byBar;
    }
}
