using Research.Trading.Orders;

namespace Research.Trading.Brokers;

/// <summary>An order's state as the broker reports it.</summary>
public enum BrokerOrderStatus
{
    /// <summary>Accepted and working, nothing filled (also pending states: new, pending cancel, done for the day).</summary>
    Accepted,
    PartiallyFilled,
    Filled,

    /// <summary>Cancelled or expired: nothing more will fill.</summary>
    Cancelled,
    Rejected,
}

/// <summary>
/// An order at the broker: its ids, status and the cumulative filled shares at their average price. Fills are read as
/// the change of <see cref="FilledQuantity"/> and of filled value since the last look, so a missed update is never a
/// missed fill.
/// </summary>
public sealed record BrokerOrder(string ClientOrderId, string BrokerOrderId, string Symbol, BrokerOrderStatus Status, long FilledQuantity, double AverageFillPrice, string? Reason)
{
    public bool IsOpen => Status is BrokerOrderStatus.Accepted or BrokerOrderStatus.PartiallyFilled;
}

/// <summary>A position at the broker: signed shares (negative = short), the average entry price and the broker's current price.</summary>
public sealed record BrokerPosition(string Symbol, long Quantity, double AverageEntryPrice, double? MarketPrice);

/// <summary>The broker's cash and equity for the account.</summary>
public sealed record BrokerBalance(double Cash, double Equity);

/// <summary>
/// The broker could not be asked (refused connection, timeout, 5xx, 429): nothing is known about the request's
/// outcome, so the caller tries again later with the same client order id (which the broker keeps unique).
/// </summary>
public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A broker behind the execution gateway. Submitting is idempotent by client order id: a second submit with an id the
/// broker already holds returns that order and never makes a second. Refusals the broker states (insufficient buying
/// power, an unknown symbol) come back as a <see cref="BrokerOrderStatus.Rejected"/> order with its message; failures
/// to reach it throw <see cref="BrokerUnavailableException"/>.
/// </summary>
public interface IBrokerAdapter
{
    /// <summary>A short name for messages (for example "alpaca").</summary>
    string Name { get; }

    Task<BrokerOrder> SubmitAsync(OrderRequest request, CancellationToken cancellationToken = default);

    /// <summary>The order with this client order id, or null when the broker has none.</summary>
    Task<BrokerOrder?> FindAsync(string clientOrderId, CancellationToken cancellationToken = default);

    /// <summary>Asks the broker to cancel; returns the order as it stands after the request (it may have filled first).</summary>
    Task<BrokerOrder?> CancelAsync(string clientOrderId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BrokerPosition>> PositionsAsync(CancellationToken cancellationToken = default);

    Task<BrokerBalance> BalanceAsync(CancellationToken cancellationToken = default);
}

/// <summary>One symbol whose shares differ between the gateway's book and the broker (or the book and its fills).</summary>
public sealed record PositionBreak(string Symbol, long Book, long Broker)
{
    public long Difference => Broker - Book;
}

/// <summary>Compares positions symbol by symbol; a symbol missing on one side counts as zero shares there.</summary>
public static class PositionReconciliation
{
    public static IReadOnlyList<PositionBreak> Compare(IReadOnlyDictionary<string, long> book, IReadOnlyDictionary<string, long> broker)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(broker);
        return [.. book.Keys.Union(broker.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(s => new PositionBreak(s, book.GetValueOrDefault(s), broker.GetValueOrDefault(s)))
            .Where(b => b.Difference != 0)];
    }

    /// <summary>The positions the fills add up to: Σ signed quantity per symbol, zeros left out.</summary>
    public static IReadOnlyDictionary<string, long> FromFills(IEnumerable<Fill> fills)
    {
        ArgumentNullException.ThrowIfNull(fills);
        return fills.GroupBy(f => f.Symbol, StringComparer.Ordinal)
            .Select(g => (g.Key, Quantity: g.Sum(f => f.Side == OrderSide.Buy ? f.Quantity : -f.Quantity)))
            .Where(p => p.Quantity != 0)
            .ToDictionary(p => p.Key, p => p.Quantity, StringComparer.Ordinal);
    }
}
