using Research.Backtesting.Engine;

namespace Research.Backtesting.Strategies;

/// <summary>Buys the universe of the first decision day once (equal or cap weights) and holds; the benchmark.</summary>
public sealed class BuyAndHold(bool capWeighted = false) : IStrategy
{
    private bool _bought;

    public string Name => capWeighted ? "buy-and-hold (cap-weighted)" : "buy-and-hold";

    public bool RebalancesOn(PointInTimeView view) => !_bought;

    public double[] TargetWeights(PointInTimeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        _bought = true;
        var weights = new double[view.Assets];
        for (var i = 0; i < view.Assets; i++)
        {
            if (view.Traded(view.Session, i))
            {
                weights[i] = capWeighted ? Math.Max(0, view.MarketCap(view.Session, i)) : 1.0;
            }
        }

        var total = weights.Sum();
        if (total <= 0)
        {
            throw new InvalidOperationException($"{Name}: nothing traded on {view.Date:yyyy-MM-dd}.");
        }

        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= total;
        }

        return weights;
    }
}

/// <summary>
/// Factor quantile long/short: at each month end, long the top quantile of a factor's exposure and short the bottom
/// quantile, equal weights, each leg worth <see cref="LegWeight"/> of capital (1 = 100/100, dollar neutral).
/// Exposures come from the latest snapshot on or before the decision date.
/// </summary>
public sealed class FactorQuantileLongShort(string factor, double quantile = 0.2, double legWeight = 1.0) : IStrategy
{
    public string Name => $"{factor} quantile long/short";

    public double LegWeight => legWeight;

    public bool RebalancesOn(PointInTimeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.IsLastSessionOfMonth;
    }

    public double[] TargetWeights(PointInTimeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (quantile is <= 0 or > 0.5)
        {
            throw new ArgumentException($"quantile must be in (0, 0.5], not {quantile}.");
        }

        var snapshot = view.Exposures(out var factors);
        var k = factors.ToList().IndexOf(factor);
        if (k < 0)
        {
            throw new ArgumentException($"{Name}: factor '{factor}' is not among the exposures ({string.Join(", ", factors)}).");
        }

        var ranked = Enumerable.Range(0, snapshot.Assets.Length)
            .Where(a => view.Traded(view.Session, snapshot.Assets[a]))
            .OrderBy(a => snapshot.Values[(a * factors.Count) + k]).ThenBy(a => snapshot.Assets[a])
            .ToArray();
        var count = (int)Math.Floor(ranked.Length * quantile);
        if (count == 0)
        {
            throw new InvalidOperationException($"{Name}: {ranked.Length} stocks on {view.Date:yyyy-MM-dd} is too few for quantiles of {quantile:P0}.");
        }

        var weights = new double[view.Assets];
        foreach (var a in ranked.Take(count))
        {
            weights[snapshot.Assets[a]] = -legWeight / count;
        }

        foreach (var a in ranked.TakeLast(count))
        {
            weights[snapshot.Assets[a]] = legWeight / count;
        }

        return weights;
    }
}
