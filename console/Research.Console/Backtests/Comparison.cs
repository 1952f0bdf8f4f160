using System.Globalization;
using Research.Grains.Abstractions.Backtests;

namespace Research.Console.Backtests;

/// <summary>What the comparison page computes from the runs' stored series and metrics (the figures themselves come from the silo).</summary>
public static class Comparison
{
    /// <summary>
    /// Pearson correlations of the runs' daily returns over the sessions every run has (runs over different periods are
    /// compared where they overlap); the count of those sessions. A run with no variation there has NaN correlations.
    /// </summary>
    public static (int Sessions, double[,] Matrix) Correlations(IReadOnlyList<(DateOnly[] Dates, double[] Returns)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var common = runs.Count == 0 ? [] : runs.Skip(1).Aggregate(new HashSet<DateOnly>(runs[0].Dates), (set, r) => { set.IntersectWith(r.Dates); return set; });
        var aligned = runs.Select(r => r.Dates.Select((d, i) => (d, r.Returns[i])).Where(x => common.Contains(x.d)).OrderBy(x => x.d).Select(x => x.Item2).ToArray()).ToList();
        var matrix = new double[runs.Count, runs.Count];
        for (var a = 0; a < runs.Count; a++)
        {
            for (var b = 0; b < runs.Count; b++)
            {
                matrix[a, b] = a == b ? 1 : Pearson(aligned[a], aligned[b]);
            }
        }

        return (common.Count, matrix);
    }

    /// <summary>
    /// How <paramref name="other"/> differs from <paramref name="baseline"/>, in the metric's unit: percentage points for
    /// a percentage, a signed number otherwise; null where either has no value.
    /// </summary>
    public static string? Difference(ResultMetric baseline, ResultMetric other)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(other);
        if (baseline.Value is not { } a || other.Value is not { } b || !double.IsFinite(a) || !double.IsFinite(b))
        {
            return null;
        }

        return other.Unit switch
        {
            ResultMetricUnit.Percent => ((b - a) * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " pp",
            ResultMetricUnit.Count => (b - a).ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture),
            _ => (b - a).ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture),
        };
    }

    private static double Pearson(double[] x, double[] y)
    {
        if (x.Length < 2)
        {
            return double.NaN;
        }

        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
