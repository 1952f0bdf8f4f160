using Research.Backtesting.Strategies;
using Research.Trading.Orders;

namespace Research.Trading.Strategies;

/// <summary>One order of a rebalance: from the shares held to the target's shares.</summary>
public sealed record PlannedOrder(string Symbol, OrderSide Side, long Quantity, double TargetWeight, long TargetShares, long HeldShares, double Price);

/// <summary>
/// Turns a strategy's target weights into share orders for an account: target shares = the weight x the capital / the
/// decision's close, truncated toward zero (a position never exceeds its target), minus the shares held; a held
/// symbol without a target is closed. Sells come first (they free the cash the buys need), then buys, each in symbol
/// order, then the targets already held (quantity 0: nothing to send, listed so a run shows every target). A target whose close is unknown or not positive cannot be sized and is reported, not traded.
/// </summary>
public static class RebalancePlan
{
    public static (IReadOnlyList<PlannedOrder> Orders, IReadOnlyList<string> Unpriced) Orders(TargetBook targets, IReadOnlyDictionary<string, long> held, double capital)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(held);
        if (!(capital > 0 && double.IsFinite(capital)))
        {
            throw new ArgumentException($"capital must be a positive amount to size a rebalance (got {capital}).", nameof(capital));
        }

        var orders = new List<PlannedOrder>();
        var unpriced = new List<string>();
        foreach (var symbol in targets.Weights.Keys.Union(held.Keys).Order(StringComparer.Ordinal))
        {
            var weight = targets.Weights.GetValueOrDefault(symbol);
            var price = targets.Prices.GetValueOrDefault(symbol);
            var have = held.GetValueOrDefault(symbol);
            long target = 0;
            if (weight != 0)
            {
                if (!(price > 0 && double.IsFinite(price)))
                {
                    unpriced.Add(symbol);
                    continue;
                }

                target = (long)Math.Truncate(weight * capital / price);
            }

            var delta = target - have;
            orders.Add(new PlannedOrder(symbol, delta >= 0 ? OrderSide.Buy : OrderSide.Sell, Math.Abs(delta), weight, target, have, double.IsFinite(price) ? price : 0));
        }

        return ([.. orders.Where(o => o.Quantity > 0 && o.Side == OrderSide.Sell).Concat(orders.Where(o => o.Quantity > 0 && o.Side == OrderSide.Buy)).Concat(orders.Where(o => o.Quantity == 0))], unpriced);
    }
}
