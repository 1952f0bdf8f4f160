namespace Research.Trading.Brokers;

/// <summary>
/// A price to trade at: the session's close (or an intraday quote), its share volume, and what the cost model's impact
/// term needs (daily volatility and average dollar volume over 20 sessions; NaN leaves impact out).
/// </summary>
public sealed record Quote(string Symbol, double Price, double Volume, DateTimeOffset AsOf, double DailyVolatility = double.NaN, double AverageDollarVolume = double.NaN);

/// <summary>Where the paper broker's prices come from.</summary>
public interface IQuoteSource
{
    /// <summary>The latest quote for <paramref name="symbol"/>, or null when there is none.</summary>
    Quote? Find(string symbol);
}
