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

    /// <summary>Cost against a benchmark in basis points, positive = worse than it: s (average price − benchmark)/benchmark.</summary>
    public static double SlippageBps(ExecutionSide side, double averagePrice, double benchmark) =>
        (side == ExecutionSide.Buy ? 1 : -1) * (averagePrice - benchmark) / benchmark * 1e4;
}
