namespace Research.Core.Statistics;

/// <summary>
/// Quantiles of values that are already sorted ascending (no NaN). Two conventions, named after numpy's
/// <c>np.quantile(..., method=...)</c> so that results compare one to one with Python:
/// <list type="bullet">
/// <item><see cref="Linear"/>: Hyndman and Fan (1996) type 7, numpy's default: h = (n − 1)p, interpolate between the
/// order statistics either side of h.</item>
/// <item><see cref="Lower"/>: numpy's <c>method="lower"</c>: the order statistic at ⌊(n − 1)p⌋, no interpolation (a
/// breakpoint that is always one of the observed values, as portfolio sorts use).</item>
/// </list>
/// </summary>
public static class Quantiles
{
    /// <summary>Linear-interpolated quantile (type 7) of <paramref name="sorted"/> at probability <paramref name="p"/> in [0, 1].</summary>
    public static double Linear(ReadOnlySpan<double> sorted, double p)
    {
        Check(sorted.Length, p);
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>The order statistic at ⌊(n − 1)p⌋ of <paramref name="sorted"/>; NaN when there are no values.</summary>
    public static double Lower(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Check(sorted.Length, p);
        return sorted[(int)Math.Floor(p * (sorted.Length - 1))];
    }

    private static void Check(int count, double p)
    {
        if (count == 0)
        {
            throw new ArgumentException("a quantile needs at least one value.");
        }

        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a quantile's probability is in [0, 1].");
        }
    }
}
