using Research.Analytics.Risk;
using Research.Analytics.Risk.Stages;

namespace Research.Analytics.Tests.Risk;

/// <summary>
/// The factor covariance stage against direct sums: weights w_s = λ^(T−s), λ = 0.5^(1/h), W = Σ w_s,
/// S_l = Σ_{s>l} w_s f_s f_{s−l}ᵀ / W, Σ = S_0 + Σ_l (1 − l/(L+1)) (S_l + S_lᵀ), written out here without the
/// stage's recursion.
/// </summary>
public sealed class FactorCovarianceStageTests
{
    private static readonly double[][] Returns =
    [
        [0.010, -0.004], [-0.006, 0.002], [0.003, 0.007], [0.012, -0.001], [-0.009, -0.005], [0.004, 0.006],
    ];

    private static double[] Direct(double[][] f, int halfLife, int lags)
    {
        const int k = 2;
        var lambda = Math.Pow(0.5, 1.0 / halfLife);
        var t = f.Length;
        var w = Enumerable.Range(0, t).Select(s => Math.Pow(lambda, t - 1 - s)).ToArray();
        var total = w.Sum();
        double S(int l, int a, int b) => Enumerable.Range(l, t - l).Sum(s => w[s] * f[s][a] * f[s - l][b]) / total;
        var result = new double[k * k];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                result[(a * k) + b] = S(0, a, b) + Enumerable.Range(1, lags).Sum(l => (1 - (l / (lags + 1.0))) * (S(l, a, b) + S(l, b, a)));
            }
        }

        return result;
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(10, 2)]
    public void The_recursive_estimate_equals_the_direct_weighted_sums(int halfLife, int lags)
    {
        var ewma = new EwmaCovariance(2, lags, halfLife);
        foreach (var f in Returns)
        {
            ewma.Add(f);
        }

        var expected = Direct(Returns, halfLife, lags);
        var actual = ewma.Covariance();
        for (var c = 0; c < 4; c++)
        {
            var floor = c is 0 or 3 ? 0.25 * Direct(Returns, halfLife, 0)[c] : double.NegativeInfinity;
            Assert.Equal(Math.Max(expected[c], floor), actual[c], 15);
        }
    }

    [Fact]
    public void Volatilities_and_correlations_come_from_their_own_half_lives()
    {
        var options = new RiskModelOptions { VolatilityHalfLife = 2, CorrelationHalfLife = 50, FactorNeweyWestLags = 0, WarmUpSessions = 3 };
        var flat = Returns.SelectMany(r => r).ToArray();
        var forecasts = FactorCovarianceStage.Estimate(flat, Returns.Length, 2, options);

        Assert.Null(forecasts[0]);
        Assert.Null(forecasts[1]);
        var last = forecasts[^1]!;
        var v = Direct(Returns, 2, 0);
        var c = Direct(Returns, 50, 0);
        var rho = c[1] / Math.Sqrt(c[0] * c[3]);
        Assert.Equal(v[0], last[0], 15);
        Assert.Equal(v[3], last[3], 15);
        Assert.Equal(rho * Math.Sqrt(v[0] * v[3]), last[1], 15);
        Assert.Equal(last[1], last[2], 15);
    }

    [Fact]
    public void A_day_without_factor_returns_is_skipped_not_counted()
    {
        var options = new RiskModelOptions { VolatilityHalfLife = 5, CorrelationHalfLife = 5, FactorNeweyWestLags = 0, WarmUpSessions = 1 };
        double[] withGap = [.. Returns[0], double.NaN, double.NaN, .. Returns[1]];
        var forecasts = FactorCovarianceStage.Estimate(withGap, 3, 2, options);
        Assert.Null(forecasts[1]);
        Assert.Equal(Direct([Returns[0], Returns[1]], 5, 0)[0], forecasts[2]![0], 15);
    }
}
