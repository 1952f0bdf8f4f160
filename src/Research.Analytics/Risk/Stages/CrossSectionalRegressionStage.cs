using Research.Analytics.Factors;

namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Stage 1 of the risk model fit (<see cref="RiskModelFitter"/>): one session's factor returns. The stocks' returns of
/// session t are regressed on their exposures known at the close of t-1: a market factor (exposure 1), one factor per
/// industry and the styles, weighted by the square root of market cap at t-1. Industry returns are constrained to sum
/// to zero weighted by industry cap (USE4), imposed by substitution: the last active industry is a combination of the
/// others, and the reduced normal equations are solved by Cholesky. Sessions are independent (run them in parallel).
/// </summary>
/// <param name="panel">Returns and market caps.</param>
/// <param name="exposures">Style exposures and industries per snapshot.</param>
/// <param name="industryColumn">Per FF10 industry, its factor column (1..industries), or -1 when absent.</param>
/// <param name="industries">Number of industry factors.</param>
public sealed class CrossSectionalRegressionStage(EquityPanel panel, FactorExposures exposures, int[] industryColumn, int industries)
{
    private readonly int _n = panel.Assets;
    private readonly int _styles = exposures.Factors.Count;
    private readonly int _k = 1 + industries + exposures.Factors.Count;

    /// <summary>
    /// Regresses session <paramref name="t"/>'s returns on the exposures of the latest snapshot before it; writes the k
    /// factor returns to <paramref name="f"/> (NaN when there are no more stocks than factors) and each stock's residual
    /// to <paramref name="residuals"/>[t * assets + i].
    /// </summary>
    public (double RSquared, int Count) Regress(int t, Span<double> f, double[] residuals)
    {
        var snapshot = exposures.Snapshots[exposures.SnapshotBefore(t)];
        var m = snapshot.Assets.Length;
        var x = new double[m * _k];
        var r = new double[m];
        var w = new double[m];
        var cap = new double[m];
        var index = new int[m];
        var industryCap = new double[Ff10Industries.Names.Count];
        var used = 0;
        for (var a = 0; a < m; a++)
        {
            var i = snapshot.Assets[a];
            var ret = panel.Returns[(t * _n) + i];
            if (double.IsNaN(ret) || (industries > 0 && snapshot.Industry[a] < 0))
            {
                continue;
            }

            var c = panel.HasMarketCap ? panel.MarketCap[((t - 1) * _n) + i] : double.NaN;
            c = c > 0 ? c : snapshot.Size[a];
            var row = x.AsSpan(used * _k, _k);
            row[0] = 1.0;
            if (industries > 0)
            {
                row[industryColumn[snapshot.Industry[a]]] = 1.0;
                industryCap[snapshot.Industry[a]] += c;
            }

            for (var s = 0; s < _styles; s++)
            {
                row[1 + industries + s] = snapshot.Values[(a * _styles) + s];
            }

            r[used] = ret;
            w[used] = Math.Sqrt(c);
            cap[used] = c;
            index[used] = i;
            used++;
        }

        if (used <= _k)
        {
            f.Fill(double.NaN);
            return (double.NaN, used);
        }

        // Map free parameters theta to factor returns: f = R theta. The last active industry carries the constraint.
        var active = new List<int>();
        for (var j = 0; j < industryCap.Length; j++)
        {
            if (industryCap[j] > 0 && industryColumn[j] >= 0)
            {
                active.Add(j);
            }
        }

        var map = new double[_k * _k];
        var p = 0;
        var lastIndustry = active.Count > 0 ? active[^1] : -1;
        for (var col = 0; col < _k; col++)
        {
            var isIndustry = col >= 1 && col <= industries;
            if (!isIndustry)
            {
                map[(col * _k) + p] = 1.0;
                p++;
                continue;
            }

            var j = Array.IndexOf(industryColumn, col);
            if (industryCap[j] <= 0 || j == lastIndustry)
            {
                continue;
            }

            map[(col * _k) + p] = 1.0;
            map[(industryColumn[lastIndustry] * _k) + p] = -industryCap[j] / industryCap[lastIndustry];
            p++;
        }

        // Reduced design Z = X R (used x p), normal equations Zᵀ W Z theta = Zᵀ W r.
        var z = new double[p];
        var normal = new double[p * p];
        var rhs = new double[p];
        for (var a = 0; a < used; a++)
        {
            var row = x.AsSpan(a * _k, _k);
            Array.Clear(z);
            for (var col = 0; col < _k; col++)
            {
                if (row[col] == 0)
                {
                    continue;
                }

                for (var q = 0; q < p; q++)
                {
                    z[q] += row[col] * map[(col * _k) + q];
                }
            }

            for (var q1 = 0; q1 < p; q1++)
            {
                var wz = w[a] * z[q1];
                rhs[q1] += wz * r[a];
                for (var q2 = 0; q2 <= q1; q2++)
                {
                    normal[(q1 * p) + q2] += wz * z[q2];
                }
            }
        }

        for (var q1 = 0; q1 < p; q1++)
        {
            for (var q2 = q1 + 1; q2 < p; q2++)
            {
                normal[(q1 * p) + q2] = normal[(q2 * p) + q1];
            }
        }

        SmallLinearAlgebra.SolveSymmetric(normal, rhs, p);
        for (var col = 0; col < _k; col++)
        {
            var value = 0.0;
            for (var q = 0; q < p; q++)
            {
                value += map[(col * _k) + q] * rhs[q];
            }

            f[col] = value;
        }

        double sw = 0, swr = 0;
        for (var a = 0; a < used; a++)
        {
            sw += w[a];
            swr += w[a] * r[a];
        }

        var mean = swr / sw;
        double sse = 0, sst = 0;
        for (var a = 0; a < used; a++)
        {
            var fitted = 0.0;
            var row = x.AsSpan(a * _k, _k);
            for (var col = 0; col < _k; col++)
            {
                fitted += row[col] * f[col];
            }

            var e = r[a] - fitted;
            residuals[(t * _n) + index[a]] = e;
            sse += w[a] * e * e;
            sst += w[a] * (r[a] - mean) * (r[a] - mean);
        }

        return (sst > 0 ? 1 - (sse / sst) : double.NaN, used);
    }
}
