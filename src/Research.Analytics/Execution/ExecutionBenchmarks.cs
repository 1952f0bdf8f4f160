using Research.Analytics.Microstructure;

namespace Research.Analytics.Execution;

/// <summary>
/// The market over an order's trading interval [From, To] (seconds after midnight, New York), from one day of level-1
/// ticks: the arrival midquote (the book in force at From), the VWAP of all executions in the interval, the TWAP of the
/// midquote (each book weighted by how long it stood inside the interval) and the shares the market traded.
/// </summary>
public sealed record ExecutionBenchmarks(double From, double To, double Arrival, double Vwap, double Twap, long MarketVolume, int MarketTrades)
{
    public static ExecutionBenchmarks FromTicks(IReadOnlyList<LobsterEvent> events, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!(to >= from))
        {
            throw new ArgumentException($"The interval ends ({to} s) before it starts ({from} s).");
        }

        double arrival = double.NaN, value = 0, twapSum = 0, twapSeconds = 0;
        long volume = 0;
        var trades = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Time <= from && e.Mid is { } m)
            {
                arrival = m;
            }
            else if (e.Time <= from)
            {
                arrival = double.NaN;
            }

            if (e.IsExecution && e.Time >= from && e.Time <= to && e.Size > 0)
            {
                value += e.Size * e.Price;
                volume += e.Size;
                trades++;
            }

            var start = Math.Max(e.Time, from);
            var end = Math.Min(i + 1 < events.Count ? events[i + 1].Time : to, to);
            if (end > start && e.Mid is { } mid)
            {
                twapSum += (end - start) * mid;
                twapSeconds += end - start;
            }
        }

        return new ExecutionBenchmarks(from, to, arrival, volume > 0 ? value / volume : double.NaN, twapSeconds > 0 ? twapSum / twapSeconds : double.NaN, volume, trades);
    }

    /// <summary>
    /// The same benchmarks from one-minute bars (TAQ tier 1), at a minute's resolution: the minutes from the one holding
    /// <paramref name="from"/> to the one holding <paramref name="to"/> (a minute is in whole or not at all). Arrival: the last
    /// close before the interval's first minute (the first bar's open when the day has none before); VWAP: Σ VWAP·shares /
    /// Σ shares of the minutes; TWAP: the mean over the interval's minutes of the last trade price in force (a minute without
    /// a trade carries the previous close); market volume and trades summed.
    /// </summary>
    public static ExecutionBenchmarks FromBars(IReadOnlyList<MinuteBar> bars, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (!(to >= from))
        {
            throw new ArgumentException($"The interval ends ({to} s) before it starts ({from} s).");
        }

        var first = (int)Math.Floor(from / 60) * 60;
        var last = Math.Max(first + 60, (int)Math.Ceiling(to / 60) * 60);
        var ordered = bars.OrderBy(b => b.Start).ToList();
        var before = ordered.LastOrDefault(b => b.Start < first);
        var inside = ordered.Where(b => b.Start >= first && b.Start < last).ToList();
        var arrival = before?.Close ?? (inside.Count > 0 ? inside[0].Open : double.NaN);
        long volume = inside.Sum(b => b.Volume);
        var value = inside.Sum(b => b.Vwap * b.Volume);
        double twapSum = 0;
        var minutes = 0;
        var price = before?.Close ?? double.NaN;
        var k = 0;
        for (var minute = first; minute < last; minute += 60)
        {
            while (k < inside.Count && inside[k].Start <= minute)
            {
                price = inside[k++].Close;
            }

            if (double.IsFinite(price))
            {
                twapSum += price;
                minutes++;
            }
        }

        return new ExecutionBenchmarks(from, to, arrival, volume > 0 ? value / volume : double.NaN, minutes > 0 ? twapSum / minutes : double.NaN, volume, inside.Sum(b => b.Trades));
    }

    /// <summary>Cost against a benchmark in basis points, positive = worse than it: s (average price − benchmark)/benchmark.</summary>
    public static double SlippageBps(ExecutionSide side, double averagePrice, double benchmark) =>
        (side == ExecutionSide.Buy ? 1 : -1) * (averagePrice - benchmark) / benchmark * 1e4;
}

/// <summary>
/// A filled order against the market over its trading interval: slippage in basis points against the arrival midquote,
/// the interval's VWAP and TWAP (positive = worse than the benchmark), and its share of the market's volume (null when the
/// market traded nothing in the interval). Used by <c>research execution analyze</c> and the console's Execution page.
/// </summary>
public sealed record IntradayComparison(double From, double To, double? ArrivalBps, double? VwapBps, double? TwapBps, double? Participation)
{
    /// <summary>The interval as HH:mm:ss-HH:mm:ss.</summary>
    public string Interval => $"{TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(From)):HH:mm:ss}-{TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(To)):HH:mm:ss}";

    /// <summary>
    /// The order's trading interval in seconds after midnight: its start and end as given, else its first fill's time and
    /// its last's. Refused (<see cref="InvalidDataException"/>) without a start or fill times, or when it ends before it starts.
    /// </summary>
    public static (double From, double To) IntervalOf(ParentOrder order, IReadOnlyList<ChildFill> fills, (double? Start, double? End) given)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(fills);
        var times = fills.Where(f => f.Order == order.Id && f.Time is not null).Select(f => f.Time!.Value.ToTimeSpan().TotalSeconds).ToList();
        var from = given.Start ?? (times.Count > 0 ? times.Min() : throw new InvalidDataException($"Order {order.Id}: intraday benchmarks need its start or its fills' times."));
        var to = given.End ?? (times.Count > 0 ? times.Max() : throw new InvalidDataException($"Order {order.Id}: intraday benchmarks need its end or its fills' times."));
        return to >= from ? (from, to) : throw new InvalidDataException($"Order {order.Id}: its interval ends before it starts.");
    }

    public static IntradayComparison Of(Shortfall shortfall, ExecutionBenchmarks market)
    {
        ArgumentNullException.ThrowIfNull(shortfall);
        ArgumentNullException.ThrowIfNull(market);
        double? Bps(double benchmark) => ExecutionBenchmarks.SlippageBps(shortfall.Order.Side, shortfall.AveragePrice, benchmark) is var v && double.IsFinite(v) ? v : null;
        return new IntradayComparison(market.From, market.To, Bps(market.Arrival), Bps(market.Vwap), Bps(market.Twap), market.MarketVolume > 0 ? shortfall.Filled / market.MarketVolume : null);
    }
}
