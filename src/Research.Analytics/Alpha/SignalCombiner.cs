using Research.Core.Statistics;

namespace Research.Analytics.Alpha;

/// <summary>How a composite weighs its signals (weights always estimated from the past only).</summary>
public enum CombinationMethod
{
    /// <summary>1/k each.</summary>
    Equal,

    /// <summary>Proportional to each signal's mean rank IC over the window.</summary>
    IcWeighted,

    /// <summary>Proportional to each signal's rank ICIR (mean / sd) over the window.</summary>
    IcirWeighted,

    /// <summary>Proportional to 1 / sd of each signal's rank IC over the window (each signal's IC risk equal).</summary>
    VolatilityParity,

    /// <summary>Ridge regression of the forward return on the z-scored signals, pooled over the window's dates and assets.</summary>
    Ridge,
}

/// <summary>What a combination needs besides the signals.</summary>
/// <param name="Horizon">Sessions of the forward return the weights are estimated on.</param>
/// <param name="Window">Past signal dates whose realised ICs (or cross-products) the weights use.</param>
/// <param name="MinimumHistory">Dates with fewer realised past dates than this get no composite.</param>
/// <param name="RidgePenalty">λ added to the diagonal of X'X / n (the signals are z-scored, so λ is in units of their variance).</param>
public sealed record CombinationOptions(CombinationMethod Method, int Horizon = 1, int Window = Research.Core.Calendars.Annualisation.SessionsPerYear, int MinimumHistory = 20, double RidgePenalty = 1.0);

/// <summary>A composite signal and the weights it used on each date (NaN where it had too little history).</summary>
public sealed record CombinedSignal(double[] Values, double[] Weights, int Signals, IReadOnlyList<int> DatesWithoutHistory);

/// <summary>
/// Combines k signals on the same date x asset axes into one, without look-ahead:
/// 1. Each signal is z-scored across assets on each date (equal weights, ddof 1); a composite needs every signal.
/// 2. On a signal date t, only dates s whose h-session forward return is realised by t's close count: s + h &lt;= t, the
///    last <see cref="CombinationOptions.Window"/> of them. From them: each signal's rank IC series (Spearman of the
///    signal with the forward return) for the IC-based methods, and the pooled cross-products X'X and X'y for ridge.
/// 3. Weights: equal 1/k; IC-weighted ∝ mean IC; ICIR-weighted ∝ mean / sd; volatility parity ∝ 1 / sd (signals are
///    taken as oriented); ridge β = (X'X/n + λI)⁻¹ X'y/n. Weights are scaled to a sum of absolute values of 1.
/// 4. Composite = Σ w_k z_k; then z-scored per date.
/// </summary>
public static class SignalCombiner
{
    public static CombinedSignal Combine(DateOnly[] dates, int assets, IReadOnlyList<double[]> signals, double[] returns, CombinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(options);
        var (n, k) = (dates.Length, signals.Count);
        if (k < 2)
        {
            throw new ArgumentException("A combination needs at least two signals.", nameof(signals));
        }

        if (signals.Any(s => s.Length != n * assets) || returns.Length != n * assets)
        {
            throw new ArgumentException($"Every signal and the returns must have {n} x {assets} cells.", nameof(signals));
        }

        if (options.Horizon < 1 || options.Window < 2 || options.MinimumHistory < 2 || options.MinimumHistory > options.Window || !(options.RidgePenalty >= 0))
        {
            throw new ArgumentException("Horizon must be >= 1, window >= 2, minimum history in [2, window], ridge penalty >= 0.", nameof(options));
        }

        var z = signals.Select(s => ZScoreByDate(s, n, assets)).ToArray();
        var forward = ForwardReturns(returns, n, assets, options.Horizon);

        // Per date: is it a date where every signal has values, each signal's rank IC, and the pooled cross-products.
        var ic = new double[n * k];
        var xx = new double[n * k * k];
        var xy = new double[n * k];
        var pairs = new int[n];
        var isDate = new bool[n];
        Parallel.For(0, n, t =>
        {
            var rows = Enumerable.Range(0, assets).Where(i => z.All(s => double.IsFinite(s[(t * assets) + i]))).ToArray();
            isDate[t] = rows.Length > 0;
            var realised = rows.Where(i => double.IsFinite(forward[(t * assets) + i])).ToArray();
            pairs[t] = realised.Length;
            if (realised.Length < 3)
            {
                return;
            }

            var y = realised.Select(i => forward[(t * assets) + i]).ToArray();
            var yRanks = SignalAnalytics.Ranks(y);
            for (var a = 0; a < k; a++)
            {
                var xa = realised.Select(i => z[a][(t * assets) + i]).ToArray();
                ic[(t * k) + a] = Moments.Correlation(SignalAnalytics.Ranks(xa), yRanks);
                for (var r = 0; r < realised.Length; r++)
                {
                    xy[(t * k) + a] += xa[r] * y[r];
                    for (var b = 0; b < k; b++)
                    {
                        xx[(((t * k) + a) * k) + b] += xa[r] * z[b][(t * assets) + realised[r]];
                    }
                }
            }
        });

        var composite = new double[n * assets];
        Array.Fill(composite, double.NaN);
        var weights = new double[n * k];
        Array.Fill(weights, double.NaN);
        var without = new List<int>();
        var history = new List<int>(); // realised signal dates, ascending
        var next = 0;
        for (var t = 0; t < n; t++)
        {
            while (next < n && next + options.Horizon <= t)
            {
                if (isDate[next] && pairs[next] >= 3)
                {
                    history.Add(next);
                }

                next++;
            }

            if (!isDate[t])
            {
                continue;
            }

            var window = history.Count > options.Window ? history.GetRange(history.Count - options.Window, options.Window) : history;
            if (options.Method != CombinationMethod.Equal && window.Count < options.MinimumHistory)
            {
                without.Add(t);
                continue;
            }

            var w = Weights(options, k, window, ic, xx, xy, pairs);
            var scale = w.Sum(Math.Abs);
            if (!(scale > 0) || w.Any(v => !double.IsFinite(v)))
            {
                without.Add(t);
                continue;
            }

            for (var a = 0; a < k; a++)
            {
                weights[(t * k) + a] = w[a] / scale;
            }

            for (var i = 0; i < assets; i++)
            {
                var sum = 0.0;
                for (var a = 0; a < k; a++)
                {
                    sum += weights[(t * k) + a] * z[a][(t * assets) + i];
                }

                composite[(t * assets) + i] = sum; // NaN when a signal is missing
            }
        }

        return new CombinedSignal(ZScoreByDate(composite, n, assets), weights, k, without);
    }

    private static double[] Weights(CombinationOptions options, int k, List<int> window, double[] ic, double[] xx, double[] xy, int[] pairs)
    {
        if (options.Method == CombinationMethod.Equal)
        {
            return [.. Enumerable.Repeat(1.0, k)];
        }

        if (options.Method == CombinationMethod.Ridge)
        {
            var a = new double[k, k];
            var b = new double[k];
            double count = window.Sum(s => pairs[s]);
            foreach (var s in window)
            {
                for (var p = 0; p < k; p++)
                {
                    b[p] += xy[(s * k) + p] / count;
                    for (var q = 0; q < k; q++)
                    {
                        a[p, q] += xx[(((s * k) + p) * k) + q] / count;
                    }
                }
            }

            for (var p = 0; p < k; p++)
            {
                a[p, p] += options.RidgePenalty;
            }

            return MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b)).ToArray();
        }

        var w = new double[k];
        for (var a = 0; a < k; a++)
        {
            var series = window.Select(s => ic[(s * k) + a]).Where(double.IsFinite).ToList();
            var (mean, sd) = (series.Count > 0 ? series.Average() : double.NaN, Moments.StandardDeviation(series));
            w[a] = options.Method switch
            {
                CombinationMethod.IcWeighted => mean,
                CombinationMethod.IcirWeighted => sd > 0 ? mean / sd : double.NaN,
                CombinationMethod.VolatilityParity => sd > 0 ? 1 / sd : double.NaN,
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Method, "unknown method"),
            };
        }

        return w;
    }

    /// <summary>Each date's values minus their mean over their standard deviation (NaN stays NaN; a date with fewer than 2 values or no spread becomes NaN).</summary>
    public static double[] ZScoreByDate(double[] values, int dates, int assets)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new double[values.Length];
        for (var t = 0; t < dates; t++)
        {
            var row = values.AsSpan(t * assets, assets);
            double sum = 0, squares = 0;
            var count = 0;
            foreach (var v in row)
            {
                if (double.IsFinite(v))
                {
                    sum += v;
                    squares += v * v;
                    count++;
                }
            }

            var mean = sum / count;
            var sd = count > 1 ? Math.Sqrt(Math.Max(0, (squares - (count * mean * mean)) / (count - 1))) : double.NaN;
            for (var i = 0; i < assets; i++)
            {
                result[(t * assets) + i] = sd > 0 ? (row[i] - mean) / sd : double.NaN;
            }
        }

        return result;
    }

    private static double[] ForwardReturns(double[] returns, int n, int assets, int h)
    {
        var forward = new double[n * assets];
        Array.Fill(forward, double.NaN);
        for (var t = 0; t + h < n; t++)
        {
            for (var i = 0; i < assets; i++)
            {
                var growth = 1.0;
                for (var s = t + 1; s <= t + h; s++)
                {
                    growth *= 1 + returns[(s * assets) + i];
                }

                forward[(t * assets) + i] = growth - 1;
            }
        }

        return forward;
    }
}
