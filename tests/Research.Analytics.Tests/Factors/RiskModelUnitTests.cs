using Research.Analytics.Factors;
using Research.Analytics.Optimization;
using Research.Analytics.Risk;
using Research.Core.Randomness;

namespace Research.Analytics.Tests.Factors;

/// <summary>The risk model's steps against exact constructions and closed forms.</summary>
public sealed class RiskModelUnitTests
{
    private const int Assets = 80;

    [Fact]
    public void Noise_free_returns_give_back_the_planted_factor_returns_exactly_with_r_squared_one_and_the_industry_constraint_holds()
    {
        var (panel, exposures, truth) = ExactMarket(noise: 0.0);
        var model = RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], new RiskModelOptions { WarmUpSessions = 20 });
        Assert.Equal(["market", "ind_nodur", "ind_durbl", "ind_manuf", "ind_enrgy", "size", "momentum"], model.Factors);
        for (var d = 0; d < model.Dates.Length; d++)
        {
            var planted = truth[model.Sessions[d]];
            for (var k = 0; k < model.K; k++)
            {
                Assert.Equal(planted[k], model.FactorReturns[(d * model.K) + k], 10);
            }

            Assert.Equal(1.0, model.RSquared[d], 10);
        }
    }

    [Fact]
    public void With_noise_the_cap_weighted_industry_returns_still_sum_to_zero()
    {
        var (panel, exposures, _) = ExactMarket(noise: 0.02);
        var model = RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], new RiskModelOptions { WarmUpSessions = 20 });
        var industryCap = IndustryCaps();
        for (var d = 0; d < model.Dates.Length; d++)
        {
            var sum = Enumerable.Range(0, 4).Sum(j => industryCap[j] * model.FactorReturns[(d * model.K) + 1 + j]);
            Assert.Equal(0.0, sum, 12);
            Assert.InRange(model.RSquared[d], 0.0, 1.0);
        }
    }

    [Fact]
    public void The_factor_covariance_is_the_exponentially_weighted_volatility_times_the_exponentially_weighted_correlation()
    {
        var (panel, exposures, _) = ExactMarket(noise: 0.01);
        var options = new RiskModelOptions { WarmUpSessions = 20, VolatilityHalfLife = 10, CorrelationHalfLife = 40 };
        var model = RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], options);
        var d = model.Dates.Length - 1;
        var k = model.K;
        double Ewma(int a, int b, int halfLife)
        {
            var lambda = Math.Pow(0.5, 1.0 / halfLife);
            double sum = 0, weight = 0;
            for (var s = 0; s <= d; s++)
            {
                var w = Math.Pow(lambda, d - s);
                sum += w * model.FactorReturns[(s * k) + a] * model.FactorReturns[(s * k) + b];
                weight += w;
            }

            return sum / weight;
        }

        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                var correlation = Ewma(a, b, 40) / Math.Sqrt(Ewma(a, a, 40) * Ewma(b, b, 40));
                var expected = correlation * Math.Sqrt(Ewma(a, a, 10) * Ewma(b, b, 10));
                Assert.Equal(expected, model.Covariance[d]![(a * k) + b], 12);
            }
        }

        Assert.All(Enumerable.Range(0, 19), i => Assert.Null(model.Covariance[i]));
    }

    [Fact]
    public void Eigenfactor_adjustment_raises_the_smallest_eigenvalue_and_keeps_the_matrix_symmetric()
    {
        var (panel, exposures, _) = ExactMarket(noise: 0.01);
        var plain = RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], new RiskModelOptions { WarmUpSessions = 20 });
        var adjusted = RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], new RiskModelOptions { WarmUpSessions = 20, Eigenfactor = true, EigenSimulations = 200 });
        var d = plain.Dates.Length - 1;
        var k = plain.K;
        var after = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k, (a, b) => adjusted.Covariance[d]![(a * k) + b]);
        var afterValues = after.Evd().EigenValues.Select(v => v.Real).Order().ToArray();
        var beforeValues = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k, (a, b) => plain.Covariance[d]![(a * k) + b]).Evd().EigenValues.Select(v => v.Real).Order().ToArray();
        // The cap-weighted industry constraint makes one direction exactly riskless (eigenvalue ~0); it stays so.
        Assert.True(afterValues[0] < 1e-15 && beforeValues[0] < 1e-15);
        Assert.True(afterValues[1] > beforeValues[1], $"the smallest non-degenerate eigenvalue should grow: {string.Join(", ", beforeValues.Select(v => v.ToString("E3")))} -> {string.Join(", ", afterValues.Select(v => v.ToString("E3")))}");
        Assert.True((after - after.Transpose()).FrobeniusNorm() < 1e-15 * after.FrobeniusNorm() + 1e-30);
    }

    [Fact]
    public void Stress_pnl_by_factor_and_by_position_sum_to_the_total_and_propagation_is_the_conditional_mean()
    {
        string[] factors = ["market", "size"];
        var model = new FactorModelSpec([[1.0, 0.5], [1.0, -1.0]], [[0.04, 0.01], [0.01, 0.02]], [0.01, 0.02]);
        double[] weights = [0.6, 0.4];
        DateOnly[] dates = [new(2020, 2, 3), new(2020, 2, 4), new(2020, 3, 31), new(2020, 4, 1)];
        double[][] returns = [[-0.1, 0.02], [-0.05, 0.01], [0.03, -0.01], [0.5, 0.5]];
        var historical = StressTest.Historical("covid", factors, model, weights, dates, returns, new DateOnly(2020, 2, 1), new DateOnly(2020, 3, 31));

        // Moves: market -0.12, size 0.02. Exposures: market 1, size 0.6*0.5 - 0.4 = -0.1.
        Assert.Equal(3, historical.Sessions);
        Assert.Equal(-0.12, historical.ByFactor["market"], 12);
        Assert.Equal(-0.1 * 0.02, historical.ByFactor["size"], 12);
        Assert.Equal(historical.Total, historical.ByFactor.Values.Sum(), 12);
        Assert.Equal(historical.Total, historical.ByPosition.Sum(), 12);

        var shocked = StressTest.Hypothetical(factors, model, weights, new Dictionary<string, double> { ["market"] = -0.2 }, propagate: true);
        Assert.Equal(-0.2 * 0.01 / 0.04, shocked.FactorMoves["size"], 12);
        Assert.Equal(-0.2 + (-0.1 * -0.05), shocked.Total, 12);

        var uncovered = Assert.Throws<ArgumentException>(() => StressTest.Historical("gfc", factors, model, weights, dates, returns, new DateOnly(2008, 9, 1), new DateOnly(2009, 3, 31)));
        Assert.Contains("2020-02-03", uncovered.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => StressTest.Hypothetical(factors, model, weights, new Dictionary<string, double> { ["nope"] = 0.1 }, false));
    }

    private static double[] IndustryCaps()
    {
        var caps = new double[4];
        for (var i = 0; i < Assets; i++)
        {
            caps[i % 4] += Cap(i);
        }

        return caps;
    }

    private static double Cap(int i) => 50.0 + (7.0 * (i % 13)) + i;

    /// <summary>
    /// A market whose returns are exactly market + industry + styles (plus optional noise), with industry returns built to
    /// satisfy the cap-weighted constraint; exposures change at each month end.
    /// </summary>
    private static (EquityPanel Panel, FactorExposures Exposures, Dictionary<int, double[]> Truth) ExactMarket(double noise)
    {
        var rng = new DeterministicRandom(99);
        var dates = Research.Core.Calendars.NyseCalendar.Instance.Sessions(new DateOnly(2023, 1, 2), new DateOnly(2023, 9, 29)).ToArray();
        var industryCap = IndustryCaps();
        var snapshots = new List<ExposureSnapshot>();
        var monthEnds = Enumerable.Range(0, dates.Length).Where(t => t == dates.Length - 1 || dates[t + 1].Month != dates[t].Month).ToArray();
        foreach (var t in monthEnds)
        {
            var values = new double[Assets * 2];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = rng.NextGaussian();
            }

            snapshots.Add(new ExposureSnapshot(dates[t], t, [.. Enumerable.Range(0, Assets)], [.. Enumerable.Range(0, Assets).Select(i => i % 4)],
                [.. Enumerable.Range(0, Assets).Select(Cap)], values, [1.0, 1.0]));
        }

        var exposures = new FactorExposures(["size", "momentum"], snapshots);
        var returns = new double[dates.Length * Assets];
        Array.Fill(returns, double.NaN);
        var truth = new Dictionary<int, double[]>();
        for (var t = 1; t < dates.Length; t++)
        {
            var s = exposures.SnapshotBefore(t);
            if (s < 0)
            {
                continue;
            }

            var f = new double[7];
            for (var k = 0; k < 7; k++)
            {
                f[k] = 0.01 * rng.NextGaussian();
            }

            var weighted = Enumerable.Range(0, 4).Sum(j => industryCap[j] * f[1 + j]) / industryCap.Sum();
            for (var j = 0; j < 4; j++)
            {
                f[1 + j] -= weighted;
            }

            truth[t] = f;
            var snapshot = snapshots[s];
            for (var i = 0; i < Assets; i++)
            {
                returns[(t * Assets) + i] = f[0] + f[1 + (i % 4)] + (snapshot.Values[i * 2] * f[5]) + (snapshot.Values[(i * 2) + 1] * f[6]) + (noise * rng.NextGaussian());
            }
        }

        var caps = new double[dates.Length * Assets];
        for (var t = 0; t < dates.Length; t++)
        {
            for (var i = 0; i < Assets; i++)
            {
                caps[(t * Assets) + i] = Cap(i);
            }
        }

        var panel = new EquityPanel(dates, [.. Enumerable.Range(1, Assets)], [.. Enumerable.Range(1, Assets).Select(i => $"S{i}")], returns, caps, (double[])caps.Clone(), (double[])caps.Clone());
        for (var i = 0; i < Assets; i++)
        {
            panel.Names[i] = [new NameSpan(dates[0], dates[^1], true, i % 4)];
        }

        return (panel, exposures, truth);
    }
}
