namespace Research.Core.Statistics;

/// <summary>
/// Sample moments of a series, with the estimator of each stated (and named after its scipy/numpy equivalent):
/// <list type="bullet">
/// <item><see cref="StandardDeviation"/>: ddof = 1 (<c>np.std(x, ddof=1)</c>); NaN for fewer than two values.</item>
/// <item><see cref="Skewness"/>: the bias-corrected estimator G1 = g1 √(n(n − 1)) / (n − 2), g1 = m3 / m2^1.5
/// (<c>scipy.stats.skew(x, bias=False)</c>); NaN for fewer than three values.</item>
/// <item><see cref="Kurtosis"/>: the plain moment ratio m4 / m2² (not excess: a normal has 3), as the probabilistic and
/// deflated Sharpe ratios use it (<c>scipy.stats.kurtosis(x, fisher=False)</c>).</item>
/// </list>
/// m_k = (1/n) Σ (x − x̄)^k are the central moments with divisor n. Values must be finite; callers check.
/// </summary>
public static class Moments
{
    /// <summary>
    /// Pearson's correlation of paired values, Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²) (<c>np.corrcoef(x, y)[0, 1]</c>); NaN
    /// for fewer than two pairs or a constant series.
    /// </summary>
    public static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Correlation needs paired values: {x.Count} and {y.Count} given.", nameof(y));
        }

        if (x.Count < 2)
        {
            return double.NaN;
        }

        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Sample standard deviation with ddof = 1.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Bias-corrected sample skewness G1.</summary>
    public static double Skewness(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (n == 0)
        {
            return double.NaN;
        }

        var mean = values.Average();
        double m2 = 0, m3 = 0;
        foreach (var x in values)
        {
            var d = x - mean;
            m2 += d * d;
            m3 += d * d * d;
        }

        m2 /= n;
        m3 /= n;
        var g1 = m3 / Math.Pow(m2, 1.5);
        return n > 2 ? g1 * Math.Sqrt(n * (n - 1.0)) / (n - 2.0) : double.NaN;
    }

    /// <summary>Kurtosis m4 / m2² (not excess).</summary>
    public static double Kurtosis(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var mean = values.Average();
        double m2 = 0, m4 = 0;
        foreach (var x in values)
        {
            var d = x - mean;
            m2 += d * d;
            m4 += d * d * d * d;
        }

        m2 /= values.Count;
        m4 /= values.Count;
        return m4 / (m2 * m2);
    }
}
