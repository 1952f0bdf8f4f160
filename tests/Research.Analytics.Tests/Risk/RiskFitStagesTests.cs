using MathNet.Numerics.LinearAlgebra;
using Research.Analytics.Factors;
using Research.Analytics.Risk;
using Research.Analytics.Risk.Stages;

namespace Research.Analytics.Tests.Risk;

/// <summary>
/// Each stage of the risk model fit on a construction small enough to check by hand (the whole fit is checked against
/// planted truth in <c>RiskModelUnitTests</c> and <c>RiskModelSyntheticTests</c>).
/// </summary>
public sealed class RiskFitStagesTests
{
    private static readonly DateOnly Start = new(2024, 1, 2);

    /// <summary>A panel of <paramref name="sessions"/> days with the given returns and caps (constant over time).</summary>
    private static EquityPanel Panel(int sessions, double[] returns, double[] caps)
    {
        var n = caps.Length;
        var dates = Enumerable.Range(0, sessions).Select(d => Start.AddDays(d)).ToArray();
        var cap = Enumerable.Range(0, sessions * n).Select(c => caps[c % n]).ToArray();
        return new EquityPanel(dates, [.. Enumerable.Range(1, n)], [.. Enumerable.Range(1, n).Select(i => $"S{i}")], returns, cap, (double[])cap.Clone(), (double[])cap.Clone());
    }

    /// <summary>One snapshot at session 0 holding every asset, with the given industries, sizes and one style.</summary>
    private static FactorExposures OneSnapshot(int[] industry, double[] size, double[] style) =>
        new(["style"], [new ExposureSnapshot(Start, 0, [.. Enumerable.Range(0, size.Length)], industry, size, style, [1.0])]);

    [Fact]
    public void The_regression_gives_back_exact_factor_returns_with_zero_residuals_and_the_industry_constraint()
    {
        // Six stocks in two industries (FF10 0 and 1), caps 1..36 (weights 1..6), one style.
        double[] caps = [1, 4, 9, 16, 25, 36];
        int[] industry = [0, 0, 0, 1, 1, 1];
        double[] style = [-1, 0.5, 1, -0.5, 2, 0];
        var (market, first, styleReturn) = (0.01, 0.011, 0.003);
        var second = -first * (1 + 4 + 9) / (16 + 25 + 36.0); // cap-weighted industry returns sum to zero
        var returns = new double[2 * 6];
        for (var i = 0; i < 6; i++)
        {
            returns[6 + i] = market + (industry[i] == 0 ? first : second) + (style[i] * styleReturn);
        }

        var stage = new CrossSectionalRegressionStage(Panel(2, returns, caps), OneSnapshot(industry, caps, style), [1, 2, -1, -1, -1, -1, -1, -1, -1, -1], industries: 2);
        var f = new double[4];
        var residuals = new double[12];
        var (rSquared, count) = stage.Regress(1, f, residuals);

        Assert.Equal(6, count);
        Assert.Equal(1.0, rSquared, 12);
        Assert.Equal([market, first, second, styleReturn], f.Select(x => Math.Round(x, 12)));
        Assert.All(residuals.Skip(6), e => Assert.Equal(0.0, e, 12));
    }

    [Fact]
    public void A_regression_with_no_more_stocks_than_factors_has_no_factor_returns()
    {
        var stage = new CrossSectionalRegressionStage(Panel(2, [0, 0, 0.01, 0.02], [1, 1]), OneSnapshot([0, 1], [1, 1], [0, 1]), [1, 2, -1, -1, -1, -1, -1, -1, -1, -1], industries: 2);
        var f = new double[4];
        Assert.Equal(2, stage.Regress(1, f, new double[4]).Count);
        Assert.All(f, x => Assert.True(double.IsNaN(x)));
    }

    [Fact]
    public void The_eigenfactor_adjustment_keeps_eigenvectors_and_scales_the_smallest_eigenvalues_up()
    {
        const int k = 4;
        double[] raw = [4e-4, 1e-4, 0, 0, 1e-4, 2e-4, 0, 0, 0, 0, 1e-4, 0, 0, 0, 0, 5e-5];

        // a = 0 makes every γ one: the adjusted matrix is the raw one, rebuilt from its eigen decomposition.
        var identity = new EigenfactorStage(new RiskModelOptions { Eigenfactor = true, EigenScale = 0, EigenSimulations = 5 }, k).Adjust([null, raw], CancellationToken.None);
        Assert.Null(identity[0]);
        Assert.Equal(raw, identity[1]!.Select(x => Math.Round(x, 15)));

        // Few observations: the simulated estimates underpredict their smallest eigenportfolios most.
        var stage = new EigenfactorStage(new RiskModelOptions { Eigenfactor = true, EigenScale = 1.0, EigenSimulations = 300, CorrelationHalfLife = 20 }, k);
        var gamma = stage.Bias(raw, observations: 30, seed: 7);
        Assert.True(gamma[0] > 1.05, $"γ of the smallest eigenvalue is {gamma[0]}");
        Assert.True(gamma[0] > gamma[^1], $"γ {string.Join(", ", gamma)} should fall with the eigenvalue");
        Assert.Equal(gamma, stage.Bias(raw, observations: 30, seed: 7));

        // The first forecast on day 40 (after a warm-up): γ simulated over min(41, 2 x 20) observations, seeded by the day.
        var series = new double[]?[41];
        series[40] = raw;
        var adjusted = stage.Adjust(series, CancellationToken.None)[40]!;
        var evd = Matrix<double>.Build.DenseOfRowMajor(k, k, raw).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, k).OrderBy(i => evd.EigenValues[i].Real).ToArray(); // γ is per rank, ascending
        var before = order.Select(i => evd.EigenValues[i].Real).ToArray();
        var vectors = Matrix<double>.Build.Dense(k, k, (i, j) => evd.EigenVectors[i, order[j]]);
        var gammaAtDay40 = stage.Bias(raw, 40, new RiskModelOptions().Seed + 40);
        for (var e = 0; e < k; e++)
        {
            // uᵀ F' u = λ γ² for each eigenvector u of the raw matrix.
            var quadratic = 0.0;
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    quadratic += vectors[a, e] * adjusted[(a * k) + b] * vectors[b, e];
                }
            }

            Assert.Equal(before[e] * gammaAtDay40[e] * gammaAtDay40[e], quadratic, 12);
        }
    }

    [Fact]
    public void Specific_variance_is_the_weighted_mean_of_squared_residuals_and_a_jump_is_clipped()
    {
        const int sessions = 41;
        var options = new RiskModelOptions { SpecificHalfLife = 10, SpecificNeweyWestLags = 0, SpecificTrim = 4, WarmUpSessions = 10 };
        var residuals = new double[sessions];
        for (var t = 1; t < sessions; t++)
        {
            residuals[t] = t % 2 == 0 ? 0.01 : -0.01;
        }

        residuals[30] = 1.0; // a takeover: clipped at 4 x 0.01 once 20 residuals are in
        var stage = new SpecificVarianceStage(OneSnapshot([0], [1], [0]), options, assets: 1);
        var days = Enumerable.Range(1, sessions - 1).ToArray();
        var result = stage.Estimate(days, residuals);

        Assert.All(result.Take(8), r => Assert.Null(r));
        Assert.Equal(1e-4, result[20]!.Variance[0], 15);
        Assert.Equal(30, result[29]!.Observations[0]);

        var lambda = Math.Pow(0.5, 1.0 / 10);
        double sum = 0, weight = 0;
        for (var t = 1; t < sessions; t++)
        {
            var e = t == 30 ? 0.04 : residuals[t];
            sum = (lambda * sum) + (e * e);
            weight = (lambda * weight) + 1;
        }

        Assert.Equal(sum / weight, result[^1]!.Variance[0], 15);
    }

    [Fact]
    public void A_stock_without_history_gets_its_peers_specific_risk_from_the_structural_model()
    {
        // Twenty-one stocks in one industry with the same specific volatility; the last has no history of its own.
        const int n = 21;
        var size = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
        var style = Enumerable.Range(0, n).Select(i => (i % 5) - 2.0).ToArray();
        var exposures = OneSnapshot([.. Enumerable.Repeat(0, n)], size, style);
        var options = new RiskModelOptions { StructuralMinObservations = 10, StructuralFullObservations = 50 };
        var variance = Enumerable.Repeat(0.0004, n).ToArray();
        variance[^1] = double.NaN;
        var observations = Enumerable.Repeat(100, n).ToArray();
        observations[^1] = 0;

        var forecast = new SpecificShrinkageStage(exposures, options, [1, -1, -1, -1, -1, -1, -1, -1, -1, -1], industries: 1)
            .Forecast(0, new SpecificForecast([.. Enumerable.Range(0, n)], variance, observations));

        Assert.All(forecast.Variance, v => Assert.Equal(0.0004, v, 12));
        Assert.Equal(observations, forecast.Observations);
    }

    [Fact]
    public void Shrinkage_pulls_each_volatility_towards_its_size_groups_cap_weighted_mean()
    {
        const int n = 10; // one size group
        var sigma = Enumerable.Range(1, n).Select(i => 0.01 * i).ToArray();
        var size = Enumerable.Repeat(2.0, n).ToArray();
        var exposures = OneSnapshot([.. Enumerable.Repeat(0, n)], size, new double[n]);
        var snapshot = exposures.Snapshots[0];
        var stage = new SpecificShrinkageStage(exposures, new RiskModelOptions { ShrinkageIntensity = 0.5 }, [1, -1, -1, -1, -1, -1, -1, -1, -1, -1], 1);
        var shrunk = (double[])sigma.Clone();
        stage.Shrink(snapshot, shrunk);

        var mean = sigma.Average();
        var spread = Math.Sqrt(sigma.Sum(s => (s - mean) * (s - mean)) / n);
        for (var a = 0; a < n; a++)
        {
            var distance = 0.5 * Math.Abs(sigma[a] - mean);
            var v = distance / (spread + distance);
            Assert.Equal((v * mean) + ((1 - v) * sigma[a]), shrunk[a], 15);
        }

        Assert.Equal(mean, shrunk.Average(), 12); // symmetric around the mean: the group's mean is kept
    }

    [Fact]
    public void Returns_twice_as_large_as_forecast_double_the_volatility_forecast()
    {
        // One factor, one stock: every day the factor return and the residual are two forecast standard deviations.
        const int days = 30;
        var options = new RiskModelOptions { VolatilityRegimeAdjustment = true, VraHalfLife = 5 };
        var sessions = Enumerable.Range(1, days).ToArray();
        var factorReturns = Enumerable.Range(0, days).Select(d => d % 2 == 0 ? 0.02 : -0.02).ToArray();
        var residuals = new double[(days + 1) * 1];
        for (var t = 1; t <= days; t++)
        {
            residuals[t] = 0.04;
        }

        var covariance = Enumerable.Range(0, days).Select(_ => (double[]?)[1e-4]).ToArray();
        var specific = Enumerable.Range(0, days).Select(_ => (SpecificForecast?)new SpecificForecast([0], [4e-4], [100])).ToArray();
        var (factor, specificLambda) = new VolatilityRegimeStage(OneSnapshot([0], [1], [0]), options, assets: 1, k: 1)
            .Adjust(sessions, factorReturns, residuals, covariance, specific);

        Assert.Equal(1.0, factor[0]);
        Assert.All(factor.Skip(1), l => Assert.Equal(2.0, l, 12));
        Assert.All(specificLambda.Skip(1), l => Assert.Equal(2.0, l, 12));
        Assert.Equal(4e-4, covariance[^1]![0], 15);
        Assert.Equal(16e-4, specific[^1]!.Variance[0], 15);
    }
}
