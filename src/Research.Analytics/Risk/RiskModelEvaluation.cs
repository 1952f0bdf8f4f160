using Research.Core.Randomness;

namespace Research.Analytics.Risk;

/// <summary>
/// Out-of-sample checks of a fitted model. The bias statistic of a portfolio over a window is the standard deviation
/// (ddof 1) of its standardised returns z_t = R_t / σ_(t-1), σ forecast at the previous close: 1 when forecasts are
/// right, above 1 when risk is underpredicted. With T = 504 days its sampling error is about sqrt(1/(2T)) ≈ 0.03 for
/// normal returns (more with fat tails), hence the usual acceptance band [0.9, 1.1] (Connor, Goldberg and Korajczyk,
/// "Portfolio Risk Analysis", 2010; USE4 notes section 6).
/// </summary>
public static class RiskModelEvaluation
{
    /// <summary>Predicted daily volatility of a fixed-weight portfolio from the forecast of date index <paramref name="d"/>.</summary>
    public static double PredictedVolatility(RiskModel model, int d, int[] assets, double[] weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        return PortfolioRisk.Decompose(model.FactorModelAt(d, assets), weights).Volatility;
    }

    /// <summary>Standardised returns R_d / σ_(d-1) of a fixed-weight portfolio for date indexes first..last.</summary>
    public static double[] StandardisedReturns(RiskModel model, int first, int last, int[] assets, double[] weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(weights);
        if (first < 1 || last >= model.Dates.Length || first > last)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"window {first}..{last} must lie within 1..{model.Dates.Length - 1}.");
        }

        var panel = model.Panel;
        var z = new double[last - first + 1];
        for (var d = first; d <= last; d++)
        {
            var sigma = PredictedVolatility(model, d - 1, assets, weights);
            var t = model.Sessions[d];
            var realised = 0.0;
            for (var j = 0; j < assets.Length; j++)
            {
                var r = panel.Returns[(t * panel.Assets) + assets[j]];
                realised += weights[j] * (double.IsNaN(r) ? 0.0 : r);
            }

            z[d - first] = realised / sigma;
        }

        return z;
    }

    /// <summary>Standard deviation with ddof 1.</summary>
    public static double BiasStatistic(IReadOnlyList<double> standardised)
    {
        ArgumentNullException.ThrowIfNull(standardised);
        var mean = standardised.Average();
        return Math.Sqrt(standardised.Sum(z => (z - mean) * (z - mean)) / (standardised.Count - 1));
    }

    /// <summary>
    /// Bias statistics of random long-only portfolios: each holds <paramref name="stocks"/> stocks drawn from those
    /// forecast and traded on every day of the window, with weights proportional to uniform draws, held at fixed weights.
    /// </summary>
    public static double[] RandomPortfolioBiasStatistics(RiskModel model, int first, int last, int portfolios, int stocks, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var candidates = AlwaysCovered(model, first, last);
        if (candidates.Length < stocks)
        {
            throw new InvalidOperationException($"only {candidates.Length} stocks are covered on every day of the window; {stocks} are needed per portfolio.");
        }

        var rng = DeterministicRandom.ForStream(seed, 0xB1A5, 0);
        var result = new double[portfolios];
        var draws = new (int[] Assets, double[] Weights)[portfolios];
        for (var p = 0; p < portfolios; p++)
        {
            var pool = (int[])candidates.Clone();
            for (var j = 0; j < stocks; j++)
            {
                var pick = j + rng.NextInt(pool.Length - j);
                (pool[j], pool[pick]) = (pool[pick], pool[j]);
            }

            var assets = pool.Take(stocks).Order().ToArray();
            var weights = assets.Select(_ => rng.NextDouble() + 1e-3).ToArray();
            var total = weights.Sum();
            draws[p] = (assets, [.. weights.Select(w => w / total)]);
        }

        Parallel.For(0, portfolios, p => result[p] = BiasStatistic(StandardisedReturns(model, first, last, draws[p].Assets, draws[p].Weights)));
        return result;
    }

    /// <summary>Panel assets forecast and traded on every day of the window.</summary>
    public static int[] AlwaysCovered(RiskModel model, int first, int last)
    {
        var panel = model.Panel;
        HashSet<int>? set = null;
        for (var d = first; d <= last; d++)
        {
            var forecast = model.Specific[d - 1] ?? throw new InvalidOperationException($"No forecast on {model.Dates[d - 1]:yyyy-MM-dd} (warm-up).");
            var t = model.Sessions[d];
            var today = forecast.Assets.Where(i => !double.IsNaN(panel.Returns[(t * panel.Assets) + i])).ToHashSet();
            if (set is null)
            {
                set = today;
            }
            else
            {
                set.IntersectWith(today);
            }
        }

        return [.. (set ?? []).Order()];
    }
}
