using Research.Backtesting.Metrics;
using Research.Core.Randomness;
using Research.Core.Statistics;

namespace Research.Backtesting.MonteCarlo;

/// <summary>How paths are drawn from a backtest's daily returns.</summary>
public enum Resampling
{
    /// <summary>
    /// Stationary block bootstrap (Politis and Romano 1994): blocks of geometric length (mean <see cref="MonteCarloSpec.MeanBlock"/>)
    /// starting at uniform positions, wrapping around; keeps short-range dependence such as volatility clustering.
    /// </summary>
    StationaryBootstrap,

    /// <summary>
    /// A random permutation of the same returns: the Sharpe ratio, mean and volatility are unchanged by construction, so
    /// only path-dependent statistics (drawdowns) have a distribution worth reporting.
    /// </summary>
    Shuffle,

    /// <summary>
    /// Trade bootstrap: the series is cut into holding periods at the strategy's trade (rebalance) dates, and whole
    /// periods are drawn uniformly with replacement until the path is long enough. Each unit is one set of trades and
    /// what it earned until the next; the order of periods, and so drawdowns and compounding, vary between paths.
    /// </summary>
    TradeBootstrap,
}

/// <summary>What to simulate.</summary>
public sealed record MonteCarloSpec
{
    public Resampling Method { get; init; } = Resampling.StationaryBootstrap;

    public int Paths { get; init; } = 1000;

    /// <summary>Mean block length in sessions (stationary bootstrap).</summary>
    public double MeanBlock { get; init; } = 20;

    /// <summary>Days per path (default: the length of the original series).</summary>
    public int? Length { get; init; }

    public ulong Seed { get; init; } = 1;
}

/// <summary>Metrics of one simulated path.</summary>
public readonly record struct PathMetrics(int Path, double Sharpe, double Cagr, double MaxDrawdown, double TerminalWealth);

/// <summary>A two-sided percentile interval and the median.</summary>
public sealed record Interval(double Lower, double Median, double Upper);

/// <summary>Wealth quantiles over paths at sampled days: <see cref="Bands"/>[q][i] is quantile q (of <see cref="MonteCarloSimulator.FanQuantiles"/>) at day <see cref="Days"/>[i] (0 = after the first day).</summary>
public sealed record WealthFan(int Paths, int[] Days, double[][] Bands);

/// <summary>Percentile intervals of each metric over the paths.</summary>
public sealed record MonteCarloSummary(int Paths, double Confidence, Interval? Sharpe, Interval? Cagr, Interval MaxDrawdown, Interval TerminalWealth);

/// <summary>
/// Monte Carlo resampling of a backtest's daily returns. Path p draws from its own random stream, keyed by (seed, p), so a
/// path's result does not depend on which chunk or silo computed it: any split of [0, paths) into chunks gives
/// identical results, byte for byte.
/// </summary>
public static class MonteCarloSimulator
{
    private const ulong StreamKind = 0x4D43; // "MC"

    /// <summary>Simulates paths [first, first + count) of the spec.</summary>
    /// <param name="returns">The daily returns to resample.</param>
    /// <param name="spec">Method, paths, length and seed.</param>
    /// <param name="first">First path of the chunk.</param>
    /// <param name="count">Paths in the chunk.</param>
    /// <param name="periodStarts">Trade bootstrap only: ascending indexes into <paramref name="returns"/> where a holding period starts (the days the strategy traded); index 0 is added when missing.</param>
    /// <param name="cancellationToken">Stops the chunk.</param>
    public static PathMetrics[] SimulateChunk(IReadOnlyList<double> returns, MonteCarloSpec spec, int first, int count, IReadOnlyList<int>? periodStarts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(spec);
        if (returns.Count < 2 || returns.Any(r => !double.IsFinite(r)))
        {
            throw new ArgumentException("Monte Carlo needs at least two finite daily returns.", nameof(returns));
        }

        if (spec.MeanBlock < 1 || spec.Paths < 1 || first < 0 || count < 0 || first + count > spec.Paths)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), $"paths {first}..{first + count} of {spec.Paths}, mean block {spec.MeanBlock}: out of range.");
        }

        var length = spec.Length ?? returns.Count;
        var periods = spec.Method == Resampling.TradeBootstrap ? Periods(periodStarts, returns.Count) : [];
        var result = new PathMetrics[count];
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, k =>
        {
            var path = first + k;
            var series = Series(returns, spec, periods, length, path);
            var wealth = 1 + PerformanceMetrics.CumulativeReturn(series);
            result[k] = new PathMetrics(path, PerformanceMetrics.Sharpe(series), PerformanceMetrics.Cagr(series), PerformanceMetrics.MaxDrawdown(series), wealth);
        });
        return result;
    }

    /// <summary>How many paths (the first ones) a stored fan chart is drawn from.</summary>
    public const int FanPaths = 2000;

    /// <summary>The quantiles a fan chart draws: 5%, 25%, median, 75%, 95%.</summary>
    public static IReadOnlyList<double> FanQuantiles { get; } = [0.05, 0.25, 0.5, 0.75, 0.95];

    /// <summary>
    /// A fan chart of wealth over time: at up to <paramref name="points"/> evenly spaced days (always the first and the
    /// last), the <see cref="FanQuantiles"/> across paths of wealth from 1. Paths are regenerated from their own
    /// streams (the same series <see cref="SimulateChunk"/> scored), so the fan of paths 0..n-1 is the same on any
    /// machine; it uses the first <paramref name="maxPaths"/> paths, a fixed sample of the job's.
    /// </summary>
    public static WealthFan Fan(IReadOnlyList<double> returns, MonteCarloSpec spec, IReadOnlyList<int>? periodStarts = null, int maxPaths = FanPaths, int points = 250, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPaths, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var length = spec.Length ?? returns.Count;
        var periods = spec.Method == Resampling.TradeBootstrap ? Periods(periodStarts, returns.Count) : [];
        var days = (length <= points ? Enumerable.Range(0, length) : Enumerable.Range(0, points).Select(i => (int)Math.Round(i * (length - 1.0) / (points - 1)))).Distinct().ToArray();
        var paths = Math.Min(spec.Paths, maxPaths);
        var wealth = new double[days.Length][];
        for (var i = 0; i < days.Length; i++)
        {
            wealth[i] = new double[paths];
        }

        Parallel.For(0, paths, new ParallelOptions { CancellationToken = cancellationToken }, p =>
        {
            var series = Series(returns, spec, periods, length, p);
            double w = 1;
            var next = 0;
            for (var t = 0; t < length && next < days.Length; t++)
            {
                w *= 1 + series[t];
                if (t == days[next])
                {
                    wealth[next++][p] = w;
                }
            }
        });

        var bands = FanQuantiles.Select(_ => new double[days.Length]).ToArray();
        for (var i = 0; i < days.Length; i++)
        {
            Array.Sort(wealth[i]);
            for (var q = 0; q < bands.Length; q++)
            {
                bands[q][i] = Quantiles.Linear(wealth[i], FanQuantiles[q]);
            }
        }

        return new WealthFan(paths, days, bands);
    }

    private static double[] Series(IReadOnlyList<double> returns, MonteCarloSpec spec, (int Start, int Length)[] periods, int length, int path)
    {
        var rng = DeterministicRandom.ForStream(spec.Seed, StreamKind, (ulong)path);
        return spec.Method switch
        {
            Resampling.Shuffle => Shuffle(returns, rng),
            Resampling.TradeBootstrap => PeriodBootstrap(returns, periods, length, rng),
            _ => StationaryBootstrap(returns, length, spec.MeanBlock, rng),
        };
    }

    /// <summary>Percentile intervals (type 7) at <paramref name="confidence"/>; Sharpe and CAGR are left out for shuffles, where they never vary.</summary>
    public static MonteCarloSummary Summarise(IReadOnlyList<PathMetrics> paths, Resampling method, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0 || confidence is <= 0 or >= 1)
        {
            throw new ArgumentException("need at least one path and a confidence in (0, 1).");
        }

        Interval Of(Func<PathMetrics, double> pick)
        {
            var sorted = paths.Select(pick).Where(double.IsFinite).Order().ToArray();
            var tail = (1 - confidence) / 2;
            return new Interval(Quantiles.Linear(sorted, tail), Quantiles.Linear(sorted, 0.5),
                Quantiles.Linear(sorted, 1 - tail));
        }

        var shuffle = method == Resampling.Shuffle;
        return new MonteCarloSummary(paths.Count, confidence, shuffle ? null : Of(p => p.Sharpe), shuffle ? null : Of(p => p.Cagr), Of(p => p.MaxDrawdown), Of(p => p.TerminalWealth));
    }

    private static double[] StationaryBootstrap(IReadOnlyList<double> returns, int length, double meanBlock, DeterministicRandom rng)
    {
        var n = returns.Count;
        var series = new double[length];
        var position = rng.NextInt(n);
        var restart = 1.0 / meanBlock;
        for (var t = 0; t < length; t++)
        {
            if (t > 0 && rng.NextDouble() < restart)
            {
                position = rng.NextInt(n);
            }

            series[t] = returns[position];
            position = (position + 1) % n;
        }

        return series;
    }

    /// <summary>(start, length) of each holding period.</summary>
    private static (int Start, int Length)[] Periods(IReadOnlyList<int>? starts, int n)
    {
        if (starts is null || starts.Count == 0)
        {
            throw new ArgumentException("The trade bootstrap needs the days the strategy traded (period starts).", nameof(starts));
        }

        var cuts = starts.Where(s => s > 0 && s < n).Distinct().Order().Prepend(0).ToArray();
        var periods = new (int, int)[cuts.Length];
        for (var k = 0; k < cuts.Length; k++)
        {
            periods[k] = (cuts[k], (k + 1 < cuts.Length ? cuts[k + 1] : n) - cuts[k]);
        }

        return periods;
    }

    private static double[] PeriodBootstrap(IReadOnlyList<double> returns, (int Start, int Length)[] periods, int length, DeterministicRandom rng)
    {
        var series = new double[length];
        var t = 0;
        while (t < length)
        {
            var (start, count) = periods[rng.NextInt(periods.Length)];
            for (var k = 0; k < count && t < length; k++, t++)
            {
                series[t] = returns[start + k];
            }
        }

        return series;
    }

    private static double[] Shuffle(IReadOnlyList<double> returns, DeterministicRandom rng)
    {
        var series = returns.ToArray();
        for (var i = series.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (series[i], series[j]) = (series[j], series[i]);
        }

        return series;
    }
}
