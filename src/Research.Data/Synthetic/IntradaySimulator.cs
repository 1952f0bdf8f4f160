using Research.Core.Calendars;
using Research.Core.Randomness;

namespace Research.Data.Synthetic;

/// <summary>
/// Intraday trades and quotes for one symbol-day, consistent with the daily row (first trade near the open
/// price, last trade near the close, total size near the daily volume):
/// 1. The efficient log price is a Brownian bridge from log(open) to log(close) on a one-second grid whose
///    variance per second follows a U-shaped profile s(u) = 0.5 + 3 (2u - 1)^2 over the session fraction u.
/// 2. Trades arrive as a Poisson process with the same U-shaped intensity; each is a buy at the ask or a
///    sell at the bid with equal probability, which produces bid-ask bounce in trade prices.
/// 3. The quoted spread is a few basis points (wider near the open), rounded to whole cents; quotes are
///    refreshed at twice the trade rate, in the first millisecond of each second, so every trade in that
///    second executes against the quote in force.
/// </summary>
internal static class IntradaySimulator
{
    public static IntradayTape Simulate(DateOnly date, double open, double close, double volume, double dailyVol, DeterministicRandom rng, double averageSize = 200.0)
    {
        var hours = NyseCalendar.Instance.GetSessionHours(date)
            ?? throw new ArgumentException($"{date:yyyy-MM-dd} is not an NYSE session.", nameof(date));
        var seconds = (int)hours.Length.TotalSeconds;
        var openMicros = (long)hours.Open.ToTimeSpan().TotalMicroseconds;

        // 1. Brownian bridge with a U-shaped variance profile.
        var profile = new double[seconds];
        var total = 0.0;
        for (var s = 0; s < seconds; s++)
        {
            var u = (s + 0.5) / seconds;
            profile[s] = 0.5 + (3.0 * (2 * u - 1) * (2 * u - 1));
            total += profile[s];
        }

        var intradayVar = dailyVol * dailyVol * 0.65;
        var path = new double[seconds + 1];
        var cumulativeVariance = new double[seconds + 1];
        for (var s = 0; s < seconds; s++)
        {
            var v = intradayVar * profile[s] / total;
            path[s + 1] = path[s] + (Math.Sqrt(v) * rng.NextGaussian());
            cumulativeVariance[s + 1] = cumulativeVariance[s] + v;
        }

        var logOpen = Math.Log(open);
        var gap = Math.Log(close) - logOpen - path[seconds];
        var mids = new double[seconds + 1];
        for (var s = 0; s <= seconds; s++)
        {
            mids[s] = Math.Exp(logOpen + path[s] + (gap * cumulativeVariance[s] / cumulativeVariance[seconds]));
        }

        // 2-3. Quotes and trades.
        var tape = new IntradayTape();
        var tradesPerSecond = Math.Max(volume / averageSize, 50.0) / total;
        var quotesPerSecond = 2.0 * tradesPerSecond;
        var bid = 0.0;
        var ask = 0.0;
        for (var s = 0; s < seconds; s++)
        {
            var mid = mids[s];
            var spreadBps = 2.0 + (4.0 * Math.Max(0, 1 - (s / 1800.0)));
            var half = Math.Max(0.005, mid * spreadBps / 20000.0);
            var quotes = rng.NextPoisson(quotesPerSecond * profile[s]);
            if (s == 0)
            {
                quotes = Math.Max(quotes, 1);
            }

            for (var q = 0; q < quotes; q++)
            {
                bid = Math.Floor((mid - half) * 100) / 100;
                ask = Math.Max(bid + 0.01, Math.Ceiling((mid + half) * 100) / 100);
                tape.QuoteTimes.Add(openMicros + (s * 1_000_000L) + (long)(rng.NextDouble() * 1_000));
                tape.Bids.Add(Math.Round(bid, 2));
                tape.Asks.Add(Math.Round(ask, 2));
                tape.BidSizes.Add(100 * (1 + rng.NextInt(20)));
                tape.AskSizes.Add(100 * (1 + rng.NextInt(20)));
            }

            var trades = rng.NextPoisson(tradesPerSecond * profile[s]);
            for (var n = 0; n < trades; n++)
            {
                tape.TradeTimes.Add(openMicros + (s * 1_000_000L) + 1_000 + (long)(rng.NextDouble() * 998_000));
                tape.TradePrices.Add(Math.Round(rng.Bernoulli(0.5) ? ask : bid, 2));
                tape.TradeSizes.Add((int)(100 * Math.Max(1, Math.Round(rng.NextExponential(averageSize / 100)))));
            }
        }

        SortByTime(tape);
        return tape;
    }

    private static void SortByTime(IntradayTape tape)
    {
        var tradeOrder = Enumerable.Range(0, tape.TradeTimes.Count).OrderBy(i => tape.TradeTimes[i]).ThenBy(i => i).ToArray();
        Reorder(tape.TradeTimes, tradeOrder);
        Reorder(tape.TradePrices, tradeOrder);
        Reorder(tape.TradeSizes, tradeOrder);
        var quoteOrder = Enumerable.Range(0, tape.QuoteTimes.Count).OrderBy(i => tape.QuoteTimes[i]).ThenBy(i => i).ToArray();
        Reorder(tape.QuoteTimes, quoteOrder);
        Reorder(tape.Bids, quoteOrder);
        Reorder(tape.Asks, quoteOrder);
        Reorder(tape.BidSizes, quoteOrder);
        Reorder(tape.AskSizes, quoteOrder);
    }

    private static void Reorder<T>(List<T> list, int[] order)
    {
        var copy = order.Select(i => list[i]).ToArray();
        list.Clear();
        list.AddRange(copy);
    }
}
