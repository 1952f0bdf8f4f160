namespace Research.Backtesting.TearSheets;

/// <summary>How the runs of a combined portfolio are weighted.</summary>
public enum BlendMethod
{
    /// <summary>1/n each.</summary>
    Equal,

    /// <summary>Equal risk contribution under the sample covariance of the runs' daily returns over their common sessions.</summary>
    RiskParity,

    /// <summary>The weights the user gave, scaled to sum to one.</summary>
    Given,
}

/// <summary>A combined portfolio of runs: the weights, each run's share of the combined variance, and the daily track.</summary>
/// <param name="Dates">The sessions every run has (ascending).</param>
/// <param name="Weights">Fractions of capital per run, summing to one.</param>
/// <param name="RiskShares">w_i (Σw)_i / wᵀΣw: each run's share of the combined variance (they sum to one).</param>
/// <param name="Returns">r_t = Σ w_i r_i,t: capital rebalanced to the weights every session.</param>
public sealed record StrategyBlendResult(DateOnly[] Dates, double[] Weights, double[] RiskShares, double[] Returns);

/// <summary>
/// Combines the daily returns of several runs into one portfolio held at fixed weights, rebalanced every session, over
/// the sessions every run has. Risk parity is the equal-risk-contribution portfolio (Maillard, Roncalli and Teïletche
/// 2010) under the sample covariance, found by cyclical coordinate descent on ½ yᵀΣy − (1/n) Σ log y_i (Griveau-Billion,
/// Richard and Roncalli 2013) and scaled to sum to one; with uncorrelated runs it is the inverse-volatility portfolio.
/// </summary>
public static class StrategyBlend
{
    /// <summary>Fewer common sessions than this: refused (a covariance and a track need some history).</summary>
    public const int MinimumSessions = 20;

    public static StrategyBlendResult Combine(IReadOnlyList<(DateOnly[] Dates, double[] Returns)> runs, BlendMethod method, IReadOnlyList<double>? given = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count < 2)
        {
            throw new ArgumentException($"A combined portfolio needs two runs or more; {runs.Count} given.");
        }

        var common = runs.Skip(1).Aggregate(new HashSet<DateOnly>(runs[0].Dates), (set, r) => { set.IntersectWith(r.Dates); return set; }).Order().ToArray();
        if (common.Length < MinimumSessions)
        {
            throw new ArgumentException($"The runs share {common.Length} session(s); a combined portfolio needs {MinimumSessions} or more.");
        }

        var aligned = runs.Select(r =>
        {
            var byDate = r.Dates.Select((d, i) => (d, r.Returns[i])).ToDictionary(x => x.d, x => x.Item2);
            return common.Select(d => byDate[d]).ToArray();
        }).ToArray();
        if (aligned.SelectMany(a => a).Any(r => !double.IsFinite(r)))
        {
            throw new ArgumentException("A run has a missing or non-finite daily return on a common session.");
        }

        var covariance = Covariance(aligned);
        var weights = method switch
        {
            BlendMethod.Equal => Enumerable.Repeat(1.0 / runs.Count, runs.Count).ToArray(),
            BlendMethod.RiskParity => RiskParity(covariance),
            BlendMethod.Given => Given(given, runs.Count),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown method"),
        };
        var returns = new double[common.Length];
        for (var t = 0; t < common.Length; t++)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                returns[t] += weights[i] * aligned[i][t];
            }
        }

        var sigmaW = Times(covariance, weights);
        var variance = weights.Select((w, i) => w * sigmaW[i]).Sum();
        var shares = variance > 0 ? weights.Select((w, i) => w * sigmaW[i] / variance).ToArray() : new double[runs.Count];
        return new StrategyBlendResult(common, weights, shares, returns);
    }

    /// <summary>
    /// Equal-risk-contribution weights for a covariance matrix with a positive diagonal: each w_i (Σw)_i is the same.
    /// Converged when no coordinate moves by more than 1e-14 relative (at most 10,000 sweeps).
    /// </summary>
    public static double[] RiskParity(double[,] covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var n = covariance.GetLength(0);
        for (var i = 0; i < n; i++)
        {
            if (!(covariance[i, i] > 0))
            {
                throw new ArgumentException($"Risk parity needs every run to vary; run {i + 1} has a daily variance of {covariance[i, i]}.");
            }
        }

        var y = Enumerable.Range(0, n).Select(i => 1 / Math.Sqrt(covariance[i, i])).ToArray();
        for (var sweep = 0; sweep < 10_000; sweep++)
        {
            var moved = 0.0;
            for (var i = 0; i < n; i++)
            {
                var c = 0.0;
                for (var j = 0; j < n; j++)
                {
                    c += j == i ? 0 : covariance[i, j] * y[j];
                }

                // The root of Σ_ii y² + c y − 1/n = 0 that is positive.
                var next = (-c + Math.Sqrt((c * c) + (4 * covariance[i, i] / n))) / (2 * covariance[i, i]);
                moved = Math.Max(moved, Math.Abs(next - y[i]) / next);
                y[i] = next;
            }

            if (moved < 1e-14)
            {
                break;
            }
        }

        var sum = y.Sum();
        return [.. y.Select(v => v / sum)];
    }

    private static double[] Given(IReadOnlyList<double>? given, int runs)
    {
        if (given is null || given.Count != runs)
        {
            throw new ArgumentException($"weights: give one per run ({runs}), got {given?.Count ?? 0}.");
        }

        if (given.Any(w => !double.IsFinite(w) || w < 0) || !(given.Sum() > 0))
        {
            throw new ArgumentException("weights: each must be a number of zero or more, and they must not all be zero.");
        }

        var sum = given.Sum();
        return [.. given.Select(w => w / sum)];
    }

    /// <summary>Sample covariance (n − 1) of aligned series.</summary>
    private static double[,] Covariance(double[][] series)
    {
        var n = series.Length;
        var t = series[0].Length;
        var means = series.Select(s => s.Average()).ToArray();
        var covariance = new double[n, n];
        for (var a = 0; a < n; a++)
        {
            for (var b = a; b < n; b++)
            {
                var sum = 0.0;
                for (var k = 0; k < t; k++)
                {
                    sum += (series[a][k] - means[a]) * (series[b][k] - means[b]);
                }

                covariance[a, b] = covariance[b, a] = sum / (t - 1);
            }
        }

        return covariance;
    }

    private static double[] Times(double[,] matrix, double[] vector)
    {
        var n = vector.Length;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                result[i] += matrix[i, j] * vector[j];
            }
        }

        return result;
    }
}
