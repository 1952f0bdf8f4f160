using System.Globalization;

namespace Research.Trading.Orders;

public enum OrderSide
{
    Buy,
    Sell,
}

public enum OrderStatus
{
    /// <summary>Accepted, nothing filled yet (a limit away from the price, or waiting for volume).</summary>
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Rejected,
}

/// <summary>
/// An order as a client sends it. <see cref="ClientOrderId"/> is the client's key for it: sending the same id again
/// returns the first outcome and never makes a second order (a retry after a lost reply is safe). Quantities are
/// whole shares; a limit price makes it a limit order, none a market order.
/// </summary>
public sealed record OrderRequest(string ClientOrderId, string Symbol, OrderSide Side, long Quantity, double? LimitPrice = null, string? Strategy = null)
{
    /// <summary>What is wrong with the order, naming the field, or null.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(ClientOrderId) || ClientOrderId.Length > 64 || ClientOrderId.Any(char.IsControl) ? $"client order id '{ClientOrderId}' must be 1 to 64 printable characters"
        : string.IsNullOrWhiteSpace(Symbol) || Symbol.Length > 16 || !Symbol.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '.' or '-') ? $"symbol '{Symbol}' must be 1 to 16 upper-case letters, digits, '.' or '-'"
        : Quantity <= 0 || Quantity > 100_000_000 ? string.Create(CultureInfo.InvariantCulture, $"quantity {Quantity} must be a whole number of shares from 1 to 100,000,000")
        : LimitPrice is { } limit && !(limit > 0 && double.IsFinite(limit)) ? string.Create(CultureInfo.InvariantCulture, $"limit price {limit} must be a positive number")
        : Strategy is not null && Breakers.BreakerScope.NameProblem(Strategy) is { } strategy ? $"strategy {strategy}"
        : null;
}

/// <summary>An order's state at the gateway: what was asked, what was filled at what average price, and why it ended.</summary>
public sealed class OrderRecord
{
    public required OrderRequest Request { get; init; }

    /// <summary>The gateway's sequence number (order of arrival).</summary>
    public long Sequence { get; init; }

    public OrderStatus Status { get; set; }

    public long Filled { get; set; }

    public double AveragePrice { get; set; }

    public double Costs { get; set; }

    /// <summary>Why it was rejected or cancelled.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The quote time of the last fill: a partly filled order fills again only on a newer quote.</summary>
    public DateTimeOffset? LastFillQuote { get; set; }

    /// <summary>The broker's id for it (an external broker only), once the broker has answered.</summary>
    public string? BrokerOrderId { get; set; }

    /// <summary>Why a cancel was asked of an external broker that has not confirmed it yet (the order stays open until it does).</summary>
    public string? CancelRequested { get; set; }

    public long Remaining => Request.Quantity - Filled;

    public bool IsOpen => Status is OrderStatus.Open or OrderStatus.PartiallyFilled;
}

/// <summary>One execution: shares at a price, with its costs (commission, half spread, impact) in dollars.</summary>
public sealed record Fill(long Sequence, string ClientOrderId, string Symbol, OrderSide Side, long Quantity, double Price, double Cost, DateTimeOffset At, string? Strategy);
