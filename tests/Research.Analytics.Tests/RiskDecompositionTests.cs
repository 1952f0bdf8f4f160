using MathNet.Numerics.LinearAlgebra;
using Research.Analytics.Risk;
using Research.Analytics.Tests.Optimization;

namespace Research.Analytics.Tests;

/// <summary>Risk decomposition: Euler components add up exactly; VaR and ES against closed forms and hand counts.</summary>
public sealed class RiskDecompositionTests
{
    [Fact]
    public void For_100_random_portfolios_components_sum_to_total_risk_and_match_the_dense_covariance()
    {
        var random = new Random(77);
        for (var trial = 0; trial < 100; trial++)
        {
            var n = 5 + random.Next(60);
            var model = FactorStructureTests.RandomModel(n, 1 + random.Next(8), trial);
            var w = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.3).ToArray();
            var risk = PortfolioRisk.Decompose(model, w);
            var sigma = Matrix<double>.Build.DenseOfRowArrays(FactorStructureTests.Dense(model));
            var wv = Vector<double>.Build.DenseOfArray(w);
            var dense = Math.Sqrt(wv.DotProduct(sigma * wv));
            Assert.Equal(dense, risk.Volatility, 1e-12 * Math.Max(1, dense));
            Assert.Equal(risk.Volatility, risk.ComponentByAsset.Sum(), 1e-12 * Math.Max(1, risk.Volatility));
            Assert.Equal(risk.Volatility, risk.ComponentByFactor.Sum() + risk.ComponentSpecific, 1e-12 * Math.Max(1, risk.Volatility));
            Assert.Equal(risk.Volatility * risk.Volatility, (risk.FactorVolatility * risk.FactorVolatility) + (risk.SpecificVolatility * risk.SpecificVolatility), 1e-12);
            Assert.All(Enumerable.Range(0, n), i => Assert.Equal(w[i] * risk.MarginalByAsset[i], risk.ComponentByAsset[i], 1e-15));
        }
    }

    [Fact]
    public void Tracking_error_is_the_risk_of_the_active_weights_and_zero_for_the_benchmark_itself()
    {
        var model = FactorStructureTests.RandomModel(20, 4, 3);
        var benchmark = Enumerable.Repeat(0.05, 20).ToArray();
        Assert.Equal(0, PortfolioRisk.TrackingError(model, benchmark, benchmark).Volatility);
        var tilted = benchmark.Select((b, i) => i < 10 ? b + 0.01 : b - 0.01).ToArray();
        var te = PortfolioRisk.TrackingError(model, tilted, benchmark);
        Assert.Equal(PortfolioRisk.Decompose(model, [.. Enumerable.Range(0, 20).Select(i => i < 10 ? 0.01 : -0.01)]).Volatility, te.Volatility, 1e-15);
    }

    [Fact]
    public void Parametric_VaR_and_ES_match_the_normal_closed_form()
    {
        // z(0.95) = 1.6448536269514722, φ(z)/(1 − 0.95) = 2.0627128075074
        var (var95, es95) = PortfolioRisk.Parametric(volatility: 0.02, expectedReturn: 0.001, confidence: 0.95);
        Assert.Equal((1.6448536269514722 * 0.02) - 0.001, var95, 1e-12);
        Assert.Equal((2.0627128075074 * 0.02) - 0.001, es95, 1e-10);
        var (var99, es99) = PortfolioRisk.Parametric(0.02, 0, 0.99);
        Assert.Equal(2.3263478740408408 * 0.02, var99, 1e-12);
        Assert.True(es99 > var99);
    }

    [Fact]
    public void Historical_VaR_and_ES_count_the_worst_losses()
    {
        // 20 returns: the worst 5% is one observation (-0.09); the worst 10% are two (-0.09, -0.05).
        double[] returns = [0.01, -0.02, 0.03, -0.09, 0.00, 0.02, -0.01, 0.04, -0.05, 0.01, 0.02, -0.03, 0.00, 0.01, 0.02, -0.04, 0.03, 0.01, -0.02, 0.05];
        Assert.Equal((0.09, 0.09), PortfolioRisk.Historical(returns, 0.95));
        var (var90, es90) = PortfolioRisk.Historical(returns, 0.90);
        Assert.Equal(0.05, var90, 1e-15);
        Assert.Equal(0.07, es90, 1e-15);
        Assert.Throws<ArgumentException>(() => PortfolioRisk.Historical([0.01, double.NaN], 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => PortfolioRisk.Historical(returns, 95));
    }
}
