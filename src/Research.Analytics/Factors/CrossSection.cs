using Research.Core.Statistics;

namespace Research.Analytics.Factors;

/// <summary>Cross-sectional transforms of one descriptor across a universe (NaN = missing).</summary>
public static class CrossSection
{
    /// <summary>Clips values to the equal-weighted <paramref name="quantile"/> and 1 - quantile of the non-missing ones.</summary>
    public static void Winsorise(double[] values, double quantile)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (quantile <= 0)
        {
            return;
        }

        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        if (present.Length < 3)
        {
            return;
        }

        Array.Sort(present);
        var low = Quantiles.Linear(present, quantile);
        var high = Quantiles.Linear(present, 1 - quantile);
        for (var a = 0; a < values.Length; a++)
        {
            if (!double.IsNaN(values[a]))
            {
                values[a] = Math.Clamp(values[a], low, high);
            }
        }
    }

    /// <summary>
    /// z = (x - cap-weighted mean) / equal-weighted standard deviation over the non-missing values; missing values
    /// become 0. A constant descriptor becomes all zeros.
    /// </summary>
    public static void Standardise(double[] values, double[] capWeights)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(capWeights);
        double weighted = 0, weight = 0, sum = 0, squares = 0;
        var count = 0;
        for (var a = 0; a < values.Length; a++)
        {
            var v = values[a];
            if (double.IsNaN(v))
            {
                continue;
            }

            weighted += capWeights[a] * v;
            weight += capWeights[a];
            sum += v;
            squares += v * v;
            count++;
        }

        var sd = count > 1 ? Math.Sqrt(Math.Max(0, (squares - (sum * sum / count)) / (count - 1))) : 0;
        var mean = weight > 0 ? weighted / weight : 0;
        for (var a = 0; a < values.Length; a++)
        {
            values[a] = double.IsNaN(values[a]) || sd == 0 ? 0.0 : (values[a] - mean) / sd;
        }
    }

    /// <summary>Replaces y by the residual of a regression of y on [1, x] weighted by the square root of cap.</summary>
    public static void Residualise(double[] y, double[] x, double[] capWeights)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(capWeights);
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var a = 0; a < y.Length; a++)
        {
            var w = Math.Sqrt(capWeights[a]);
            sw += w;
            sx += w * x[a];
            sy += w * y[a];
            sxx += w * x[a] * x[a];
            sxy += w * x[a] * y[a];
        }

        var det = (sw * sxx) - (sx * sx);
        if (sw == 0 || Math.Abs(det) < 1e-12 * sw * sw)
        {
            return;
        }

        var slope = ((sw * sxy) - (sx * sy)) / det;
        var intercept = (sy - (slope * sx)) / sw;
        for (var a = 0; a < y.Length; a++)
        {
            y[a] -= intercept + (slope * x[a]);
        }
    }

    /// <summary>Removes the cap-weighted mean of each group (group -1 is left alone).</summary>
    public static void DemeanWithinGroups(double[] values, int[] groups, double[] capWeights)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(capWeights);
        var count = groups.Length == 0 ? 0 : groups.Max() + 1;
        var sum = new double[count];
        var weight = new double[count];
        for (var a = 0; a < values.Length; a++)
        {
            if (groups[a] >= 0)
            {
                sum[groups[a]] += capWeights[a] * values[a];
                weight[groups[a]] += capWeights[a];
            }
        }

        for (var a = 0; a < values.Length; a++)
        {
            if (groups[a] >= 0 && weight[groups[a]] > 0)
            {
                values[a] -= sum[groups[a]] / weight[groups[a]];
            }
        }
    }
}
