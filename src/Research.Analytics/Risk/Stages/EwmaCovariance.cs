namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Exponentially weighted, zero-mean cross products of a vector series with a Newey-West (Bartlett) combination of lags:
/// with λ = 0.5^(1/half-life), weights w_s = λ^(T−s) and W = Σ_s w_s over all T observations,
/// S_l = Σ_{s>l} w_s f_s f_{s−l}ᵀ / W and Σ = S_0 + Σ_{l=1..L} (1 − l/(L+1)) (S_l + S_lᵀ); each variance is kept at least
/// a quarter of S_0's (a negative Newey-West term never makes a variance vanish). Updated one observation at a time
/// (O(L k²) per step). Newey and West, Econometrica 1987; the risk model's factor covariance and specific variances.
/// </summary>
public sealed class EwmaCovariance(int k, int lags, int halfLife)
{
    private readonly double _lambda = Math.Pow(0.5, 1.0 / halfLife);
    private readonly double[][] _sums = [.. Enumerable.Range(0, lags + 1).Select(_ => new double[k * k])];
    private readonly Queue<double[]> _previous = new();
    private double _weight;

    /// <summary>Observations added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the next observation (k values).</summary>
    public void Add(ReadOnlySpan<double> f)
    {
        for (var l = 0; l <= lags; l++)
        {
            var sums = _sums[l];
            ReadOnlySpan<double> lagged = l == 0 ? f : l <= _previous.Count ? _previous.ElementAt(_previous.Count - l) : [];
            for (var c = 0; c < sums.Length; c++)
            {
                sums[c] *= _lambda;
            }

            if (lagged.IsEmpty)
            {
                continue;
            }

            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    sums[(a * k) + b] += f[a] * lagged[b];
                }
            }
        }

        _weight = (_lambda * _weight) + 1.0;
        _previous.Enqueue(f.ToArray());
        if (_previous.Count > lags)
        {
            _previous.Dequeue();
        }

        Count++;
    }

    /// <summary>Σ as a row-major k x k array.</summary>
    public double[] Covariance()
    {
        var result = new double[k * k];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = _sums[0][c] / _weight;
        }

        for (var l = 1; l <= lags; l++)
        {
            var bartlett = 1.0 - (l / (lags + 1.0));
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    result[(a * k) + b] += bartlett * (_sums[l][(a * k) + b] + _sums[l][(b * k) + a]) / _weight;
                }
            }
        }

        for (var a = 0; a < k; a++)
        {
            result[(a * k) + a] = Math.Max(result[(a * k) + a], 0.25 * _sums[0][(a * k) + a] / _weight);
        }

        return result;
    }
}
