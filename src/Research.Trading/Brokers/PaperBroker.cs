using System.Globalization;
using Research.Backtesting.Engine;
using Research.Trading.Accounts;
using Research.Trading.Orders;

namespace Research.Trading.Brokers;

/// <summary>How the paper broker fills.</summary>
/// <param name="MaxParticipation">At most this share of the quote's volume fills per quote; the rest waits for a newer quote.</param>
/// <param name="AllowShort">Whether a sell may exceed the shares held.</param>
public sealed record PaperBrokerSettings(CostModel Costs, double MaxParticipation = 0.05, bool AllowShort = false)
{
    public static PaperBrokerSettings Default { get; } = new(new CostModel());
}

/// <summary>What one attempt to execute an order did: a fill, nothing yet (a limit away from the price), or a rejection.</summary>
public sealed record PaperExecution(long Quantity, double Price, double Cost, string? Rejection)
{
    public static PaperExecution None { get; } = new(0, 0, 0, null);

    public static PaperExecution Reject(string why) => new(0, 0, 0, why);
}

/// <summary>
/// Fills orders against quotes with the backtest engine's cost model (<see cref="CostModel"/>): commission and half the
/// spread in basis points of traded value, and square-root impact k σ √(Q / ADV) x Q when the quote carries σ and ADV.
/// A market order fills at the quote's price; a limit order only when the price is at or better than its limit. Per
/// quote at most <see cref="PaperBrokerSettings.MaxParticipation"/> of the volume fills (partial fills); the rest fills on
/// newer quotes. Rejections: no quote, no volume, a sell past the shares held (shorting off), a buy that cash does not
/// cover.
/// </summary>
public static class PaperBroker
{
    public static PaperExecution Execute(OrderRecord order, Quote? quote, AccountBook book, PaperBrokerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(settings);
        var request = order.Request;
        if (quote is null || !(quote.Price > 0) || !double.IsFinite(quote.Price))
        {
            return PaperExecution.Reject($"no price for {request.Symbol}");
        }

        if (order.LastFillQuote is { } last && quote.AsOf <= last)
        {
            return PaperExecution.None; // already filled what this quote allows
        }

        if (request.LimitPrice is { } limit && (request.Side == OrderSide.Buy ? quote.Price > limit : quote.Price < limit))
        {
            return PaperExecution.None;
        }

        var cap = (long)Math.Floor(settings.MaxParticipation * quote.Volume);
        var quantity = Math.Min(order.Remaining, cap);
        if (quantity <= 0)
        {
            return order.Filled == 0 && !(quote.Volume > 0) ? PaperExecution.Reject($"{request.Symbol} has no volume at {quote.AsOf:yyyy-MM-dd}") : PaperExecution.None;
        }

        if (request.Side == OrderSide.Sell && !settings.AllowShort && quantity > book.Held(request.Symbol))
        {
            return PaperExecution.Reject(Text($"selling {quantity:N0} {request.Symbol} exceeds the {book.Held(request.Symbol):N0} held (short selling is off)"));
        }

        var value = quantity * quote.Price;
        var cost = Cost(value, quote, settings.Costs);
        if (request.Side == OrderSide.Buy && value + cost > book.Cash)
        {
            return PaperExecution.Reject(Text($"buying {quantity:N0} {request.Symbol} at {quote.Price:N2} costs {value + cost:N2}, more than the {book.Cash:N2} cash"));
        }

        return new PaperExecution(quantity, quote.Price, cost, null);
    }

    /// <summary>Dollar cost of trading <paramref name="value"/> dollars: (commission + half spread) bps x value, plus impact when the quote allows.</summary>
    public static double Cost(double value, Quote quote, CostModel costs)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(costs);
        var linear = (costs.CommissionBps + costs.HalfSpreadBps) / 10_000 * value;
        var impact = costs.ImpactCoefficient > 0 && quote.AverageDollarVolume > 0 && double.IsFinite(quote.DailyVolatility)
            ? costs.ImpactCoefficient * quote.DailyVolatility * Math.Sqrt(value / quote.AverageDollarVolume) * value
            : 0;
        return linear + impact;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
