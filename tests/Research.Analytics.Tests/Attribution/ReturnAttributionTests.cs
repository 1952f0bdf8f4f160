using Research.Analytics.Attribution;
using Research.Data.Providers.FamaFrench;
using Research.Testing;

namespace Research.Analytics.Tests.Attribution;

/// <summary>
/// Fama-French attribution on the real Ken French daily files (vintage 2025-10) of a fund with planted loadings: the
/// coefficients and their classic, HC3 and Newey-West errors equal an independent OLS written here (normal equations by
/// Gaussian elimination, the sandwich sums by plain loops) to 1e-8, and recover the planted loadings.
/// </summary>
public sealed class ReturnAttributionTests
{
    private static readonly Lazy<FactorReturns> Factors = new(LoadFactors);

    /// <summary>FF5 (mktrf, smb, hml, rmw, cma, rf) with momentum, 2000-2024, from the real files.</summary>
    private static FactorReturns LoadFactors()
    {
        var folder = Path.Combine(TestEnvironment.RequireRealData(), "french", "202510");
        var ff5 = FrenchLibraryParser.ParseFile(Path.Combine(folder, "F-F_Research_Data_5_Factors_2x3_daily.csv")).Tables.First(t => t.Frequency == FrenchFrequency.Daily);
        var mom = FrenchLibraryParser.ParseFile(Path.Combine(folder, "F-F_Momentum_Factor_daily.csv")).Tables.First(t => t.Frequency == FrenchFrequency.Daily);
        var umd = mom.Dates.Select((d, i) => (d, v: mom.Values[i][0])).ToDictionary(p => p.d, p => p.v);
        var rows = ff5.Dates.Select((d, i) => (d, i)).Where(p => p.d.Year is >= 2000 and <= 2024 && umd.ContainsKey(p.d)).ToList();
        double[] Column(string name) => [.. rows.Select(p => ff5.Values[p.i][ff5.Columns.ToList().IndexOf(name)]!.Value)];
        return new FactorReturns([.. rows.Select(p => p.d)], ["mktrf", "smb", "hml", "rmw", "cma", "umd"],
            [Column("Mkt-RF"), Column("SMB"), Column("HML"), Column("RMW"), Column("CMA"), [.. rows.Select(p => umd[p.d]!.Value)]], Column("RF"));
    }

    /// <summary>r = rf + alpha + Σ b_k f_k + e, e Gaussian with 1% daily volatility and some autocorrelation (seeded).</summary>
    private static double[] Fund(FactorReturns f, double alpha, double[] betas, int seed)
    {
        var random = new Random(seed);
        var previous = 0.0;
        var r = new double[f.Dates.Count];
        for (var t = 0; t < r.Length; t++)
        {
            var u1 = 1 - random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
            var e = (0.3 * previous) + (0.01 * z);
            previous = e;
            r[t] = f.RiskFree[t] + alpha + e + betas.Select((b, k) => b * f.Values[k][t]).Sum();
        }

        return r;
    }

    [Fact]
    public void Ff5_loadings_and_their_errors_equal_an_independent_OLS_and_recover_the_planted_fund()
    {
        var f = Factors.Value;
        double[] planted = [1.1, 0.3, -0.2, 0.1, 0.05];
        var r = Fund(f, 0.0002, planted, seed: 7);
        var result = ReturnAttribution.Run(f.Dates, r, f, AttributionModel.Ff5, neweyWestLags: 5);

        // Independent: X = [1, mktrf, smb, hml, rmw, cma], y = r - rf.
        var n = f.Dates.Count;
        var x = new double[n][];
        var y = new double[n];
        for (var t = 0; t < n; t++)
        {
            x[t] = [1, f.Values[0][t], f.Values[1][t], f.Values[2][t], f.Values[3][t], f.Values[4][t]];
            y[t] = r[t] - f.RiskFree[t];
        }

        var (b, xtxInverse) = NormalEquations(x, y);
        var e = Enumerable.Range(0, n).Select(t => y[t] - x[t].Select((v, j) => v * b[j]).Sum()).ToArray();
        var k = b.Length;
        var s2 = e.Sum(v => v * v) / (n - k);
        var meatNw = new double[k, k];
        var meatHc3 = new double[k, k];
        for (var t = 0; t < n; t++)
        {
            var h = Quadratic(xtxInverse, x[t], x[t]);
            for (var i = 0; i < k; i++)
            {
                for (var j = 0; j < k; j++)
                {
                    meatNw[i, j] += e[t] * e[t] * x[t][i] * x[t][j];
                    meatHc3[i, j] += e[t] * e[t] / ((1 - h) * (1 - h)) * x[t][i] * x[t][j];
                }
            }
        }

        for (var l = 1; l <= 5; l++)
        {
            var w = 1 - (l / 6.0);
            for (var t = l; t < n; t++)
            {
                for (var i = 0; i < k; i++)
                {
                    for (var j = 0; j < k; j++)
                    {
                        meatNw[i, j] += w * e[t] * e[t - l] * ((x[t][i] * x[t - l][j]) + (x[t - l][i] * x[t][j]));
                    }
                }
            }
        }

        var nw = Sandwich(xtxInverse, meatNw);
        var hc3 = Sandwich(xtxInverse, meatHc3);
        for (var j = 0; j < k; j++)
        {
            var loading = result.Loadings[j];
            Assert.Equal(b[j], loading.Loading, Math.Max(1e-8 * Math.Abs(b[j]), 1e-12));
            Assert.Equal(Math.Sqrt(nw[j, j]), loading.NeweyWestError, 1e-8 * Math.Sqrt(nw[j, j]));
            Assert.Equal(Math.Sqrt(hc3[j, j]), loading.Hc3Error, 1e-8 * Math.Sqrt(hc3[j, j]));
        }

        // The residuals were planted with autocorrelation 0.3: the alpha's (constant regressor's) Newey-West error exceeds the
        // classic one by about sqrt(1 + 2 x sum of w_l 0.3^l) = 1.29 (Bartlett weights, L = 5).
        Assert.InRange(result.Loadings[0].NeweyWestError / Math.Sqrt(s2 * xtxInverse[0, 0]), 1.2, 1.45);

        // The planted fund: each loading within three Newey-West errors of what was planted.
        double[] truth = [0.0002, .. planted];
        for (var j = 0; j < k; j++)
        {
            Assert.InRange(result.Loadings[j].Loading, truth[j] - (3 * result.Loadings[j].NeweyWestError), truth[j] + (3 * result.Loadings[j].NeweyWestError));
        }

        Assert.Equal(["alpha", "mktrf", "smb", "hml", "rmw", "cma"], result.Loadings.Select(l => l.Name));
        Assert.Equal(result.AnnualExcessReturn, result.Loadings.Sum(l => l.AnnualContribution), 12);
        Assert.Equal(0.0002 * 252, result.Loadings[0].AnnualContribution, 0.03);
        Assert.InRange(result.RSquared, 0.5, 1);
        Assert.Equal(0, result.Dropped);
    }

    [Fact]
    public void Market_timing_and_up_and_down_betas_are_found_where_they_were_planted()
    {
        var f = Factors.Value;
        var m = f.Values[0];
        var random = new Random(3);
        var convex = m.Select((v, t) => f.RiskFree[t] + (0.8 * v) + (3 * v * v) + (0.002 * (random.NextDouble() - 0.5))).ToArray();
        var option = m.Select((v, t) => f.RiskFree[t] + (0.5 * v) + (0.4 * Math.Max(v, 0)) + (0.002 * (random.NextDouble() - 0.5))).ToArray();

        var tm = ReturnAttribution.Timing(f.Dates, convex, f, AttributionModel.Capm);
        Assert.Equal(3, tm.TreynorMazuyGamma, 0.2);
        Assert.True(tm.TreynorMazuyT > 5, $"t {tm.TreynorMazuyT}");
        var hm = ReturnAttribution.Timing(f.Dates, option, f, AttributionModel.Capm);
        Assert.Equal(0.4, hm.HenrikssonMertonGamma, 0.02);
        Assert.Equal(0.9, hm.UpBeta, 0.02);
        Assert.Equal(0.5, hm.DownBeta, 0.02);
        Assert.Equal(f.Dates.Count, hm.UpDays + hm.DownDays);
    }

    [Fact]
    public void Rolling_loadings_follow_a_beta_that_changes_half_way()
    {
        var f = Factors.Value;
        var half = f.Dates.Count / 2;
        var r = f.Values[0].Select((v, t) => f.RiskFree[t] + ((t < half ? 0.6 : 1.4) * v)).ToArray();
        var rolling = ReturnAttribution.Rolling(f.Dates, r, f, AttributionModel.Capm, 126);
        Assert.Equal(f.Dates.Count - 125, rolling.Count);
        Assert.Equal(0.6, rolling[0].Loadings[1], 1e-9);
        Assert.Equal(1.4, rolling[^1].Loadings[1], 1e-9);
        Assert.Equal(f.Dates[125], rolling[0].End);
    }

    [Fact]
    public void Bad_input_is_refused_naming_what_is_missing()
    {
        var f = Factors.Value;
        var ff3Only = f with { Names = ["mktrf", "smb", "hml"], Values = [.. f.Values.Take(3)] };
        var r = f.Values[0].ToArray();
        Assert.Contains("needs the factor 'rmw'", Assert.Throws<ArgumentException>(() => ReturnAttribution.Run(f.Dates, r, ff3Only, AttributionModel.Ff5)).Message, StringComparison.Ordinal);
        Assert.Contains("has the Capm factors", Assert.Throws<ArgumentException>(() => ReturnAttribution.Run([new DateOnly(1990, 1, 2)], [0.01], f, AttributionModel.Capm)).Message, StringComparison.Ordinal);
        var ones = Enumerable.Repeat(1.0, r.Length).ToArray();
        Assert.Contains("collinear", Assert.Throws<ArgumentException>(() => OlsFit.Fit(r, [ones, f.Values[0], f.Values[0]], 0)).Message, StringComparison.Ordinal);
        Assert.Contains("cannot fit 3 coefficients", Assert.Throws<ArgumentException>(() => OlsFit.Fit([0.1, 0.2], [[1.0, 1.0], [0.5, 0.7], [0.1, 0.3]], 0)).Message, StringComparison.Ordinal);
    }

    private static (double[] B, double[,] Inverse) NormalEquations(double[][] x, double[] y)
    {
        var k = x[0].Length;
        var a = new double[k, 2 * k];
        var rhs = new double[k];
        for (var t = 0; t < x.Length; t++)
        {
            for (var i = 0; i < k; i++)
            {
                rhs[i] += x[t][i] * y[t];
                for (var j = 0; j < k; j++)
                {
                    a[i, j] += x[t][i] * x[t][j];
                }
            }
        }

        for (var i = 0; i < k; i++)
        {
            a[i, k + i] = 1;
        }

        // Gauss-Jordan with partial pivoting on [X'X | I].
        for (var c = 0; c < k; c++)
        {
            var pivot = Enumerable.Range(c, k - c).MaxBy(row => Math.Abs(a[row, c]));
            for (var j = 0; j < 2 * k; j++)
            {
                (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            }

            var p = a[c, c];
            for (var j = 0; j < 2 * k; j++)
            {
                a[c, j] /= p;
            }

            for (var row = 0; row < k; row++)
            {
                if (row != c)
                {
                    var factor = a[row, c];
                    for (var j = 0; j < 2 * k; j++)
                    {
                        a[row, j] -= factor * a[c, j];
                    }
                }
            }
        }

        var inverse = new double[k, k];
        var b = new double[k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                inverse[i, j] = a[i, k + j];
                b[i] += inverse[i, j] * rhs[j];
            }
        }

        return (b, inverse);
    }

    private static double Quadratic(double[,] m, double[] u, double[] v)
    {
        var sum = 0.0;
        for (var i = 0; i < u.Length; i++)
        {
            for (var j = 0; j < v.Length; j++)
            {
                sum += u[i] * m[i, j] * v[j];
            }
        }

        return sum;
    }

    private static double[,] Sandwich(double[,] bread, double[,] meat)
    {
        var k = meat.GetLength(0);
        var result = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                for (var p = 0; p < k; p++)
                {
                    for (var q = 0; q < k; q++)
                    {
                        result[i, j] += bread[i, p] * meat[p, q] * bread[q, j];
                    }
                }
            }
        }

        return result;
    }
}
