using Research.Analytics.Factors;

namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Stage 4b of the risk model fit (<see cref="RiskModelFitter"/>): from raw specific variances to the forecast. A
/// structural model for stocks with short histories (log specific volatility regressed on industries, or an intercept,
/// and styles over stocks with a full history, bias-corrected, blended with the stock's own estimate by history length
/// between <see cref="RiskModelOptions.StructuralMinObservations"/> and <see cref="RiskModelOptions.StructuralFullObservations"/>;
/// USE4 section 5), then Bayesian shrinkage of each volatility towards its size group's cap-weighted mean,
/// v = q|σ − σ̄| / (Δ + q|σ − σ̄|) (USE4). Sessions are independent (run them in parallel).
/// </summary>
public sealed class SpecificShrinkageStage(FactorExposures exposures, RiskModelOptions options, int[] industryColumn, int industries)
{
    private readonly int _styles = exposures.Factors.Count;

    /// <summary>The specific variance forecast after session <paramref name="t"/> from the raw estimate of that session.</summary>
    public SpecificForecast Forecast(int t, SpecificForecast raw)
    {
        var snapshot = exposures.Snapshots[exposures.SnapshotBefore(t + 1)];
        var m = raw.Assets.Length;
        var sigma = new double[m];
        var columns = (industries > 0 ? industries : 1) + _styles;

        // Structural model: log σ on industries (or an intercept) and styles, over stocks with a full history.
        var normal = new double[columns * columns];
        var rhs = new double[columns];
        var row = new double[columns];
        double sumSigma = 0, sumFitted = 0;
        var fullCount = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var a = 0; a < m; a++)
            {
                if (raw.Observations[a] < options.StructuralFullObservations || !(raw.Variance[a] > 0))
                {
                    continue;
                }

                Row(snapshot, a, row);
                var w = Math.Sqrt(snapshot.Size[a]);
                var y = 0.5 * Math.Log(raw.Variance[a]);
                if (pass == 0)
                {
                    fullCount++;
                    for (var c1 = 0; c1 < columns; c1++)
                    {
                        rhs[c1] += w * row[c1] * y;
                        for (var c2 = 0; c2 < columns; c2++)
                        {
                            normal[(c1 * columns) + c2] += w * row[c1] * row[c2];
                        }
                    }
                }
                else
                {
                    sumSigma += Math.Exp(y);
                    sumFitted += Math.Exp(Dot(row, rhs));
                }
            }

            if (pass == 0)
            {
                if (fullCount <= 2 * columns)
                {
                    break;
                }

                SmallLinearAlgebra.SolveSymmetric(normal, rhs, columns);
            }
        }

        var structural = fullCount > 2 * columns;
        var bias = structural && sumFitted > 0 ? sumSigma / sumFitted : 1.0;
        for (var a = 0; a < m; a++)
        {
            var own = raw.Variance[a] > 0 ? Math.Sqrt(raw.Variance[a]) : double.NaN;
            var gamma = Math.Clamp((double)(raw.Observations[a] - options.StructuralMinObservations) / (options.StructuralFullObservations - options.StructuralMinObservations), 0, 1);
            if (double.IsNaN(own))
            {
                gamma = 0;
            }

            if (gamma < 1 && structural)
            {
                Row(snapshot, a, row);
                var fitted = bias * Math.Exp(Dot(row, rhs));
                sigma[a] = gamma > 0 ? (gamma * own) + ((1 - gamma) * fitted) : fitted;
            }
            else
            {
                sigma[a] = own;
            }
        }

        Shrink(snapshot, sigma);
        var variance = new double[m];
        for (var a = 0; a < m; a++)
        {
            variance[a] = sigma[a] * sigma[a];
        }

        return new SpecificForecast(raw.Assets, variance, raw.Observations);
    }

    private void Row(ExposureSnapshot snapshot, int a, double[] row)
    {
        Array.Clear(row);
        var offset = industries > 0 ? industries : 1;
        if (industries > 0)
        {
            row[industryColumn[snapshot.Industry[a]] - 1] = 1.0;
        }
        else
        {
            row[0] = 1.0;
        }

        for (var s = 0; s < _styles; s++)
        {
            row[offset + s] = snapshot.Values[(a * _styles) + s];
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Bayesian shrinkage towards the cap-weighted mean of the size group.</summary>
    public void Shrink(ExposureSnapshot snapshot, double[] sigma)
    {
        var order = Enumerable.Range(0, sigma.Length).Where(a => double.IsFinite(sigma[a])).OrderBy(a => snapshot.Size[a]).ToArray();
        var groups = Math.Min(options.SizeGroups, Math.Max(1, order.Length / 10));
        var q = options.ShrinkageIntensity;
        var shrunk = (double[])sigma.Clone();
        for (var g = 0; g < groups; g++)
        {
            var start = order.Length * g / groups;
            var end = order.Length * (g + 1) / groups;
            double weighted = 0, weight = 0;
            for (var o = start; o < end; o++)
            {
                weighted += snapshot.Size[order[o]] * sigma[order[o]];
                weight += snapshot.Size[order[o]];
            }

            var mean = weighted / weight;
            var spread = 0.0;
            for (var o = start; o < end; o++)
            {
                spread += (sigma[order[o]] - mean) * (sigma[order[o]] - mean);
            }

            spread = Math.Sqrt(spread / (end - start));
            for (var o = start; o < end; o++)
            {
                var a = order[o];
                var distance = q * Math.Abs(sigma[a] - mean);
                var v = distance + spread > 0 ? distance / (spread + distance) : 0;
                shrunk[a] = (v * mean) + ((1 - v) * sigma[a]);
            }
        }

        Array.Copy(shrunk, sigma, sigma.Length);
    }
}
