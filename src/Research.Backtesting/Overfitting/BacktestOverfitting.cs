using Research.Backtesting.Metrics;

namespace Research.Backtesting.Overfitting;

/// <summary>The result of combinatorially symmetric cross-validation.</summary>
/// <param name="Probability">Probability of backtest overfitting: the share of splits where the in-sample best is below the out-of-sample median.</param>
/// <param name="Logits">λ = ln(ω / (1 − ω)) per split, ω the out-of-sample relative rank of the in-sample best.</param>
/// <param name="Splits">Number of in-sample/out-of-sample splits (S choose S/2).</param>
public sealed record OverfittingResult(double Probability, IReadOnlyList<double> Logits, int Splits);

/// <summary>
/// Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein, López de Prado and
/// Zhu, "The Probability of Backtest Overfitting", J. Computational Finance 2017), in steps:
/// 1. Take the T x N matrix of daily returns of N configurations (e.g. a walk-forward grid) and cut the T rows into S
///    equal blocks (S even; rows beyond S·⌊T/S⌋ are dropped).
/// 2. For each of the C(S, S/2) ways to pick half the blocks as in-sample (the rest out-of-sample): find the configuration
///    with the best in-sample Sharpe ratio, and its rank ω ∈ (0, 1) among the out-of-sample Sharpe ratios (rank / (N + 1)).
/// 3. λ = logit(ω); PBO = share of splits with λ ≤ 0 (the in-sample winner does no better than the median out of sample).
/// </summary>
public static class BacktestOverfitting
{
    public static OverfittingResult ProbabilityOfOverfitting(IReadOnlyList<double[]> configurations, int blocks = 16)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        var n = configurations.Count;
        if (n < 2)
        {
            throw new ArgumentException("PBO needs at least two configurations.", nameof(configurations));
        }

        var t = configurations[0].Length;
        if (configurations.Any(c => c.Length != t))
        {
            throw new ArgumentException("every configuration needs a return for the same days.", nameof(configurations));
        }

        if (blocks < 2 || blocks % 2 != 0 || blocks > 24 || t / blocks < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), blocks, $"blocks must be even, 2..24, with at least two days each ({t} days).");
        }

        var size = t / blocks;

        // Per configuration and block: sum and sum of squares, so any union of blocks gives a Sharpe ratio in O(S).
        var sums = new double[n, blocks];
        var squares = new double[n, blocks];
        for (var c = 0; c < n; c++)
        {
            for (var b = 0; b < blocks; b++)
            {
                for (var d = b * size; d < (b + 1) * size; d++)
                {
                    var r = configurations[c][d];
                    sums[c, b] += r;
                    squares[c, b] += r * r;
                }
            }
        }

        double Sharpe(int c, int mask, bool inSample)
        {
            double s = 0, q = 0;
            var count = 0;
            for (var b = 0; b < blocks; b++)
            {
                if ((((mask >> b) & 1) == 1) == inSample)
                {
                    s += sums[c, b];
                    q += squares[c, b];
                    count += size;
                }
            }

            var mean = s / count;
            var variance = (q - (s * mean)) / (count - 1);
            return variance > 0 ? mean / Math.Sqrt(variance) : 0;
        }

        var logits = new List<double>();
        for (var mask = 0; mask < 1 << blocks; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != blocks / 2)
            {
                continue;
            }

            var best = 0;
            var bestSharpe = double.NegativeInfinity;
            for (var c = 0; c < n; c++)
            {
                var s = Sharpe(c, mask, inSample: true);
                if (s > bestSharpe)
                {
                    (best, bestSharpe) = (c, s);
                }
            }

            var outOfSample = Sharpe(best, mask, inSample: false);
            var below = 0;
            for (var c = 0; c < n; c++)
            {
                below += Sharpe(c, mask, inSample: false) < outOfSample ? 1 : 0;
            }

            var omega = (below + 1.0) / (n + 1.0);
            logits.Add(Math.Log(omega / (1 - omega)));
        }

        return new OverfittingResult((double)logits.Count(l => l <= 0) / logits.Count, logits, logits.Count);
    }

    /// <summary>Variance of the annualised Sharpe ratios of the trials, the V of the deflated Sharpe ratio.</summary>
    public static double SharpeVariance(IReadOnlyList<double[]> configurations)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        var sharpes = configurations.Select(c => PerformanceMetrics.Sharpe(c)).ToArray();
        return PerformanceMetrics.StandardDeviation(sharpes) is var sd ? sd * sd : double.NaN;
    }
}
