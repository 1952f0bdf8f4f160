namespace Research.Analytics.Execution;

public enum ExecutionSide
{
    Buy,
    Sell,
}

/// <summary>
/// A parent order as the portfolio manager decided it: <paramref name="DecisionPrice"/> is the paper portfolio's price
/// (the benchmark when the decision was made, often the previous close), <paramref name="CancelPrice"/> the price when
/// the unfilled rest was given up (needed only when something is left unfilled).
/// </summary>
public sealed record ParentOrder(string Id, string Symbol, ExecutionSide Side, double Quantity, double DecisionPrice, double? CancelPrice)
{
    public int Sign => Side == ExecutionSide.Buy ? 1 : -1;
}

/// <summary>
/// One execution of a parent order. <paramref name="Benchmark"/> is the price its delay is measured to: the decision
/// price for a fill on the decision day, the previous close for a fill on a later day (the revised benchmark).
/// </summary>
public sealed record ChildFill(string Order, DateOnly Date, TimeOnly? Time, double Quantity, double Price, double Fees, double Benchmark);

/// <summary>
/// Implementation shortfall (Perold 1988) of one parent order in dollars, split as Wagner and Edwards (1993) and the CFA
/// curriculum do; positive = cost. With s = +1 for a buy and −1 for a sell, Q the order, q_j, p_j, B_j, f_j the fills'
/// shares, prices, benchmarks and fees, P_d the decision price and P_c the cancel price:
/// explicit = Σ f_j; delay = s Σ q_j (B_j − P_d); trading (realized) = s Σ q_j (p_j − B_j);
/// opportunity = s (Q − Σ q_j)(P_c − P_d). The total equals the paper portfolio's gain minus the real one's.
/// </summary>
public sealed record Shortfall(ParentOrder Order, double Filled, double AveragePrice, double ExplicitCost, double DelayCost, double TradingCost, double OpportunityCost)
{
    /// <summary>Q × P_d: the paper portfolio's investment, the denominator of every fraction.</summary>
    public double PaperInvestment => Order.Quantity * Order.DecisionPrice;

    public double Total => ExplicitCost + DelayCost + TradingCost + OpportunityCost;

    public double FillRate => Filled / Order.Quantity;

    /// <summary>A dollar amount as a fraction of the paper investment.</summary>
    public double Fraction(double dollars) => dollars / PaperInvestment;
}

public static class ImplementationShortfall
{
    /// <summary>The shortfall of one order from its fills (refused by name: a fill of another order, more shares than ordered, bad numbers).</summary>
    public static Shortfall Measure(ParentOrder order, IReadOnlyList<ChildFill> fills)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(fills);
        if (!(order.Quantity > 0) || !(order.DecisionPrice > 0) || !double.IsFinite(order.Quantity) || !double.IsFinite(order.DecisionPrice))
        {
            throw new ArgumentException($"Order {order.Id}: the quantity and the decision price must be positive numbers.");
        }

        var (filled, value, fees, delay, trading) = (0.0, 0.0, 0.0, 0.0, 0.0);
        foreach (var f in fills)
        {
            if (f.Order != order.Id)
            {
                throw new ArgumentException($"A fill of order {f.Order} was given with order {order.Id}.");
            }

            if (!(f.Quantity > 0) || !(f.Price > 0) || !(f.Benchmark > 0) || !(f.Fees >= 0) || !double.IsFinite(f.Quantity + f.Price + f.Benchmark + f.Fees))
            {
                throw new ArgumentException($"Order {order.Id}: a fill on {f.Date:yyyy-MM-dd} needs positive shares, price and benchmark and fees of zero or more.");
            }

            filled += f.Quantity;
            value += f.Quantity * f.Price;
            fees += f.Fees;
            delay += f.Quantity * (f.Benchmark - order.DecisionPrice);
            trading += f.Quantity * (f.Price - f.Benchmark);
        }

        const double Tolerance = 1e-9;
        if (filled > order.Quantity * (1 + Tolerance))
        {
            throw new ArgumentException($"Order {order.Id}: {filled:G} shares filled, more than the {order.Quantity:G} ordered.");
        }

        var unfilled = Math.Max(0, order.Quantity - filled);
        double opportunity = 0;
        if (unfilled > order.Quantity * Tolerance)
        {
            if (order.CancelPrice is not { } cancel || !(cancel > 0))
            {
                throw new ArgumentException($"Order {order.Id}: {unfilled:G} shares were not filled, so the price when the rest was cancelled (cancel price) is needed for the opportunity cost.");
            }

            opportunity = unfilled * (cancel - order.DecisionPrice);
        }

        var s = order.Sign;
        return new Shortfall(order, filled, filled > 0 ? value / filled : double.NaN, fees, s * delay, s * trading, s * opportunity);
    }

    /// <summary>Orders together: dollars summed, fractions of the summed paper investment (value-weighted).</summary>
    public static (double Investment, double Explicit, double Delay, double Trading, double Opportunity, double Total) Aggregate(IReadOnlyList<Shortfall> shortfalls)
    {
        ArgumentNullException.ThrowIfNull(shortfalls);
        var investment = shortfalls.Sum(s => s.PaperInvestment);
        return (investment, shortfalls.Sum(s => s.ExplicitCost), shortfalls.Sum(s => s.DelayCost), shortfalls.Sum(s => s.TradingCost), shortfalls.Sum(s => s.OpportunityCost), shortfalls.Sum(s => s.Total));
    }
}
