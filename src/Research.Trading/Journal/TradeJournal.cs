namespace Research.Trading.Journal;

/// <summary>
/// A trade in the journal, from a backtest or an execution gateway account. <see cref="Quantity"/> is signed (positive
/// buys) in the unit of <see cref="PositionAfter"/>: shares for fills, weights (fractions of capital) for a backtest.
/// <see cref="Cost"/> and <see cref="Realized"/> are dollars; <see cref="Realized"/> is the source's own realised P&amp;L
/// of the trade when it states one (a backtest does), else null and round trips are valued by their cash flows.
/// </summary>
public sealed record JournalTrade(string Key, string Source, string? Strategy, DateTimeOffset At, string Security, double Quantity, double Price, double Cost, double? Realized, double PositionAfter)
{
    public double PositionBefore => PositionAfter - Quantity;
}

/// <summary>
/// A round trip: a position in one security from when it leaves zero to when it returns to zero or changes sign.
/// <see cref="Pnl"/> (dollars, after the trades' costs) is final once <see cref="Closed"/> is set; for an open trip it is
/// what partial closes realised so far.
/// </summary>
public sealed record RoundTrip(string Source, string? Strategy, string Security, bool IsLong, DateTimeOffset Opened, DateTimeOffset? Closed, int Trades, double Pnl, double Costs, IReadOnlyList<string> TradeKeys)
{
    /// <summary>Calendar days from the opening trade to the closing one (fractional for fills); null while open.</summary>
    public double? HoldingDays => Closed is { } c ? (c - Opened).TotalDays : null;
}

/// <summary>Win/loss statistics of closed round trips (P&amp;L after costs; a trip of exactly zero is neither win nor loss).</summary>
/// <param name="HitRate">Wins / (wins + losses); NaN without either.</param>
/// <param name="PayoffRatio">Average win / |average loss|; NaN without both.</param>
/// <param name="ProfitFactor">Gross wins / |gross losses|; NaN without a loss.</param>
public sealed record WinLossSummary(
    int Closed, int Open, int Wins, int Losses, double HitRate, double AverageWin, double AverageLoss, double PayoffRatio, double ProfitFactor,
    double TotalPnl, double LargestWin, double LargestLoss, double MeanHoldingDays, double MedianHoldingDays);

/// <summary>
/// Round trips and their win/loss analysis. Trades are taken per source and security in time order (ties by key); the
/// position is the source's own (<see cref="JournalTrade.PositionAfter"/>), so rounding never leaves a dust position
/// open. A trade that crosses zero closes the trip and opens the next in the other direction, its quantity and cost
/// split at zero. P&amp;L of a trip: the sum of the sources' realised P&amp;L of its trades when every trade states one,
/// else its cash flows −Σ q·p; minus its costs either way.
/// </summary>
public static class TradeJournal
{
    /// <summary>Positions smaller than this (in the source's unit, relative to the largest seen) count as zero.</summary>
    public const double ZeroTolerance = 1e-9;

    public static IReadOnlyList<RoundTrip> RoundTrips(IEnumerable<JournalTrade> trades)
    {
        ArgumentNullException.ThrowIfNull(trades);
        var trips = new List<RoundTrip>();
        foreach (var group in trades.GroupBy(t => (t.Source, t.Security)))
        {
            Trip? current = null;
            var scale = Math.Max(1e-300, group.Max(t => Math.Max(Math.Abs(t.PositionAfter), Math.Abs(t.PositionBefore))));
            bool IsZero(double position) => Math.Abs(position) <= ZeroTolerance * scale;
            foreach (var t in group.OrderBy(t => t.At).ThenBy(t => t.Key, StringComparer.Ordinal))
            {
                var (before, after) = (t.PositionBefore, t.PositionAfter);
                var crosses = !IsZero(before) && !IsZero(after) && Math.Sign(before) != Math.Sign(after);
                var closingShare = crosses ? Math.Abs(before) / Math.Abs(t.Quantity) : 1.0;
                if (current is not null)
                {
                    // The part of the trade that belongs to the open trip (all of it, unless it crosses zero).
                    current.Add(t, crosses ? -before : t.Quantity, t.Cost * closingShare, t.Realized);
                    if (IsZero(after) || crosses)
                    {
                        trips.Add(current.Close(t.At));
                        current = null;
                    }
                }

                if (current is null && !IsZero(after) && (IsZero(before) || crosses))
                {
                    current = new Trip(t.Source, t.Strategy, t.Security, after > 0, t.At);
                    if (crosses)
                    {
                        current.Add(t, after, t.Cost * (1 - closingShare), t.Realized is null ? null : 0);
                    }
                    else
                    {
                        current.Add(t, t.Quantity, t.Cost, t.Realized);
                    }
                }
            }

            if (current is not null)
            {
                trips.Add(current.Close(null));
            }
        }

        return [.. trips.OrderBy(t => t.Opened).ThenBy(t => t.Security, StringComparer.Ordinal)];
    }

    public static WinLossSummary Summarise(IReadOnlyList<RoundTrip> trips)
    {
        ArgumentNullException.ThrowIfNull(trips);
        var closed = trips.Where(t => t.Closed is not null && double.IsFinite(t.Pnl)).ToList();
        var wins = closed.Where(t => t.Pnl > 0).Select(t => t.Pnl).ToList();
        var losses = closed.Where(t => t.Pnl < 0).Select(t => t.Pnl).ToList();
        var holding = closed.Select(t => t.HoldingDays!.Value).Order().ToList();
        double Mean(List<double> v) => v.Count == 0 ? double.NaN : v.Average();
        var (averageWin, averageLoss) = (Mean(wins), Mean(losses));
        return new WinLossSummary(
            closed.Count, trips.Count(t => t.Closed is null), wins.Count, losses.Count,
            wins.Count + losses.Count == 0 ? double.NaN : (double)wins.Count / (wins.Count + losses.Count),
            averageWin, averageLoss,
            wins.Count > 0 && losses.Count > 0 ? averageWin / Math.Abs(averageLoss) : double.NaN,
            losses.Count > 0 ? wins.Sum() / Math.Abs(losses.Sum()) : double.NaN,
            closed.Sum(t => t.Pnl),
            wins.Count > 0 ? wins.Max() : double.NaN,
            losses.Count > 0 ? losses.Min() : double.NaN,
            holding.Count > 0 ? holding.Average() : double.NaN,
            holding.Count == 0 ? double.NaN : holding.Count % 2 == 1 ? holding[holding.Count / 2] : (holding[(holding.Count / 2) - 1] + holding[holding.Count / 2]) / 2);
    }

    /// <summary>
    /// A histogram of <paramref name="values"/> with <paramref name="bins"/> equal bins from the smallest to the largest
    /// (the last bin closed on the right); one bin when all are equal; empty for no values.
    /// </summary>
    public static (double[] Edges, int[] Counts) Histogram(IReadOnlyList<double> values, int bins)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return ([], []);
        }

        var (min, max) = (finite.Min(), finite.Max());
        if (min == max)
        {
            return ([min, max], [finite.Count]);
        }

        var width = (max - min) / bins;
        var counts = new int[bins];
        foreach (var v in finite)
        {
            counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        }

        return ([.. Enumerable.Range(0, bins + 1).Select(i => i == bins ? max : min + (i * width))], counts);
    }

    private sealed class Trip(string source, string? strategy, string security, bool isLong, DateTimeOffset opened)
    {
        private readonly List<string> _keys = [];
        private double _cash;
        private double _costs;
        private double _realized;
        private bool _allRealized = true;

        public void Add(JournalTrade trade, double quantity, double cost, double? realized)
        {
            if (_keys.Count == 0 || _keys[^1] != trade.Key)
            {
                _keys.Add(trade.Key);
            }

            _cash -= quantity * trade.Price;
            _costs += cost;
            if (realized is { } r)
            {
                _realized += r;
            }
            else
            {
                _allRealized = false;
            }
        }

        public RoundTrip Close(DateTimeOffset? closed)
        {
            // An open trip has realised only its partial closes: its cash flows are not P&L yet.
            var gross = _allRealized ? _realized : closed is null ? double.NaN : _cash;
            return new RoundTrip(source, strategy, security, isLong, opened, closed, _keys.Count, gross - _costs, _costs, [.. _keys]);
        }
    }
}
