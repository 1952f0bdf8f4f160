namespace Research.Analytics.Microstructure;

/// <summary>A one-minute bar: the minute it starts (seconds after midnight), open/high/low/close, shares, VWAP and trade count.</summary>
public sealed record MinuteBar(int Start, double Open, double High, double Low, double Close, long Volume, double Vwap, int Trades);

/// <summary>
/// Spreads and depth of one day (<see cref="IntradayMeasures.Spreads"/>). Quoted measures are time-weighted over the
/// regular session while both sides of the book are quoted; trade measures are share-weighted over the executions that
/// have a quote before them (and, for the realized spread and price impact, a quote <see cref="Horizon"/> seconds later
/// within the session). Relative measures are fractions of the midpoint (×10,000 for basis points).
/// </summary>
public sealed record SpreadSummary(
    double QuotedSpread,
    double RelativeQuotedSpread,
    double BidDepth,
    double AskDepth,
    double QuotedSeconds,
    double EffectiveSpread,
    double RelativeEffectiveSpread,
    double RelativeRealizedSpread,
    double RelativePriceImpact,
    int Trades,
    int TradesWithoutQuote,
    int TradesWithoutHorizon,
    double Horizon);

/// <summary>
/// Intraday measures from a LOBSTER day (or any time-ordered events with the book after each): one-minute bars of the
/// executions (types 4 and 5: continuous trading; crosses, type 6, are left out and counted by the caller if wanted),
/// and spreads and depth (Huang and Stoll 1996; Bessembinder 2003 for effective and realized spreads:
/// effective = 2q(p − m)/m, realized = 2q(p − m₊)/m, impact = 2q(m₊ − m)/m, so effective = realized + impact per trade,
/// with q = +1 for a buyer-initiated trade, m the midpoint before the trade and m₊ the midpoint <c>horizon</c> seconds later).
/// </summary>
public static class IntradayMeasures
{
    /// <summary>The NYSE/NASDAQ regular session, seconds after midnight: 09:30 to 16:00.</summary>
    public const double Open = 34_200, Close = 57_600;

    /// <summary>One-minute bars of the executions in the regular session; a minute without a trade has no bar.</summary>
    public static IReadOnlyList<MinuteBar> Bars(IReadOnlyList<LobsterEvent> events, double from = Open, double to = Close)
    {
        ArgumentNullException.ThrowIfNull(events);
        var bars = new List<MinuteBar>();
        var minute = -1;
        double open = 0, high = 0, low = 0, close = 0, notional = 0;
        long volume = 0;
        var trades = 0;
        void Flush()
        {
            if (trades > 0)
            {
                bars.Add(new MinuteBar(minute * 60, open, high, low, close, volume, notional / volume, trades));
            }
        }

        foreach (var e in events)
        {
            if (!e.IsExecution || e.Time < from || e.Time >= to || e.Size <= 0)
            {
                continue;
            }

            var m = (int)Math.Floor(e.Time / 60);
            if (m != minute)
            {
                Flush();
                (minute, open, high, low, volume, notional, trades) = (m, e.Price, e.Price, e.Price, 0, 0, 0);
            }

            (high, low, close) = (Math.Max(high, e.Price), Math.Min(low, e.Price), e.Price);
            volume += e.Size;
            notional += e.Size * e.Price;
            trades++;
        }

        Flush();
        return bars;
    }

    /// <summary>Spreads and depth over the regular session (see <see cref="SpreadSummary"/>); <paramref name="horizon"/> in seconds for the realized spread.</summary>
    public static SpreadSummary Spreads(IReadOnlyList<LobsterEvent> events, double horizon = 300, double from = Open, double to = Close)
    {
        ArgumentNullException.ThrowIfNull(events);

        // Quoted: the book after event i holds from its time to the next event's (the last one to the close).
        double seconds = 0, spread = 0, relative = 0, bidDepth = 0, askDepth = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var start = Math.Max(e.Time, from);
            var end = Math.Min(i + 1 < events.Count ? events[i + 1].Time : to, to);
            if (end <= start || e.Ask is not { } ask || e.Bid is not { } bid)
            {
                continue;
            }

            var dt = end - start;
            seconds += dt;
            spread += dt * (ask - bid);
            relative += dt * (ask - bid) / ((ask + bid) / 2);
            bidDepth += dt * e.BidSize;
            askDepth += dt * e.AskSize;
        }

        // Trades: the midpoint before (the book after the previous event) and the one in force horizon seconds later.
        double shares = 0, effective = 0, effectiveRelative = 0, horizonShares = 0, realized = 0, impact = 0;
        int trades = 0, noQuote = 0, noHorizon = 0;
        var later = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!e.IsExecution || e.Time < from || e.Time >= to || e.Size <= 0)
            {
                continue;
            }

            trades++;
            if (i == 0 || events[i - 1].Mid is not { } mid)
            {
                noQuote++;
                continue;
            }

            var q = e.Initiator;
            shares += e.Size;
            effective += e.Size * 2 * q * (e.Price - mid);
            effectiveRelative += e.Size * 2 * q * (e.Price - mid) / mid;
            var target = e.Time + horizon;
            if (target >= to)
            {
                noHorizon++;
                continue;
            }

            later = Math.Max(later, i);
            while (later + 1 < events.Count && events[later + 1].Time <= target)
            {
                later++;
            }

            if (events[later].Mid is not { } midLater)
            {
                noHorizon++;
                continue;
            }

            horizonShares += e.Size;
            realized += e.Size * 2 * q * (e.Price - midLater) / mid;
            impact += e.Size * 2 * q * (midLater - mid) / mid;
        }

        return new SpreadSummary(
            seconds > 0 ? spread / seconds : double.NaN, seconds > 0 ? relative / seconds : double.NaN,
            seconds > 0 ? bidDepth / seconds : double.NaN, seconds > 0 ? askDepth / seconds : double.NaN, seconds,
            shares > 0 ? effective / shares : double.NaN, shares > 0 ? effectiveRelative / shares : double.NaN,
            horizonShares > 0 ? realized / horizonShares : double.NaN, horizonShares > 0 ? impact / horizonShares : double.NaN,
            trades, noQuote, noHorizon, horizon);
    }
}
