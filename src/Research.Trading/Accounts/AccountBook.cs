using Research.Trading.Orders;

namespace Research.Trading.Accounts;

/// <summary>A holding: signed shares (negative = short), the average cost of the open shares, the last price seen.</summary>
public sealed class Position
{
    public long Quantity { get; set; }

    public double AverageCost { get; set; }

    public double LastPrice { get; set; }

    public double Value => Quantity * LastPrice;
}

/// <summary>
/// Cash, positions and P&amp;L of one account, from its fills: a buy pays quantity x price plus costs from cash, a sell
/// receives quantity x price less costs; the average cost moves only when a position grows; a fill that shrinks a
/// position realises (price − average cost) x shares (sign by side). Equity = cash + Σ shares x last price.
/// </summary>
public sealed class AccountBook
{
    public double Cash { get; set; }

    public double RealizedPnl { get; set; }

    public double Costs { get; set; }

    public Dictionary<string, Position> Positions { get; set; } = new(StringComparer.Ordinal);

    public double Equity => Cash + Positions.Values.Sum(p => p.Value);

    /// <summary>The largest absolute position value.</summary>
    public double LargestPosition => Positions.Values.Select(p => Math.Abs(p.Value)).DefaultIfEmpty(0).Max();

    /// <summary>The sum of absolute position values (longs plus shorts).</summary>
    public double GrossExposure => Positions.Values.Sum(p => Math.Abs(p.Value));

    public long Held(string symbol) => Positions.TryGetValue(symbol, out var p) ? p.Quantity : 0;

    public void Apply(Fill fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var signed = fill.Side == OrderSide.Buy ? fill.Quantity : -fill.Quantity;
        Cash -= (signed * fill.Price) + fill.Cost;
        Costs += fill.Cost;
        if (!Positions.TryGetValue(fill.Symbol, out var position))
        {
            position = new Position();
            Positions[fill.Symbol] = position;
        }

        var before = position.Quantity;
        var after = before + signed;
        if (before == 0 || Math.Sign(before) == Math.Sign(signed))
        {
            position.AverageCost = ((position.AverageCost * Math.Abs(before)) + (fill.Price * Math.Abs(signed))) / Math.Abs(after);
        }
        else
        {
            var closed = Math.Min(Math.Abs(before), Math.Abs(signed));
            RealizedPnl += closed * (fill.Price - position.AverageCost) * Math.Sign(before);
            if (Math.Sign(after) == -Math.Sign(before))
            {
                position.AverageCost = fill.Price; // flipped: the new side opened at this price
            }
        }

        position.Quantity = after;
        position.LastPrice = fill.Price;
        if (after == 0)
        {
            Positions.Remove(fill.Symbol);
        }
    }

    /// <summary>Marks a held symbol at a newer price.</summary>
    public void Mark(string symbol, double price)
    {
        if (Positions.TryGetValue(symbol, out var position))
        {
            position.LastPrice = price;
        }
    }
}
