using Research.Backtesting.TearSheets;
using Research.Core.Randomness;

namespace Research.Backtesting.Tests.TearSheets;

/// <summary>Combined portfolios of runs: alignment on common sessions, the weights by method, risk parity against closed forms.</summary>
public sealed class StrategyBlendTests
{
    [Fact]
    public void Risk_parity_gives_every_run_the_same_share_of_variance()
    {
        double[,] covariance = { { 0.04, 0.01, -0.002 }, { 0.01, 0.09, 0.015 }, { -0.002, 0.015, 0.0225 } };
        var w = StrategyBlend.RiskParity(covariance);
        Assert.Equal(1.0, w.Sum(), 14);
        var sigmaW = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 3).Sum(j => covariance[i, j] * w[j])).ToArray();
        var contributions = w.Select((x, i) => x * sigmaW[i]).ToArray();
        foreach (var c in contributions)
        {
            Assert.Equal(contributions[0], c, 14);
        }
    }

    [Fact]
    public void With_uncorrelated_runs_risk_parity_is_inverse_volatility()
    {
        double[,] covariance = { { 0.04, 0, 0 }, { 0, 0.01, 0 }, { 0, 0, 0.0025 } }; // volatilities 0.2, 0.1, 0.05
        var w = StrategyBlend.RiskParity(covariance);
        var inverse = new[] { 5.0, 10.0, 20.0 };
        Assert.Equal(inverse.Select(v => v / 35.0), w.Select(x => Math.Round(x, 14)).ToArray(), (a, b) => Math.Abs(a - b) < 1e-13);
    }

    [Fact]
    public void Runs_are_combined_over_their_common_sessions_at_the_weights_given_scaled_to_one()
    {
        var random = new DeterministicRandom(5);
        var days = Enumerable.Range(0, 60).Select(i => new DateOnly(2024, 1, 1).AddDays(i)).ToArray();
        var a = (days, days.Select(_ => 0.01 * random.NextGaussian()).ToArray());
        var b = (days[5..], days[5..].Select(_ => 0.02 * random.NextGaussian()).ToArray()); // starts five sessions later
        var blend = StrategyBlend.Combine([a, b], BlendMethod.Given, [3, 1]);
        Assert.Equal(days[5..], blend.Dates);
        Assert.Equal([0.75, 0.25], blend.Weights);
        for (var t = 0; t < blend.Dates.Length; t++)
        {
            Assert.Equal((0.75 * a.Item2[t + 5]) + (0.25 * b.Item2[t]), blend.Returns[t], 15);
        }

        Assert.Equal(1.0, blend.RiskShares.Sum(), 12);
        Assert.Equal([0.5, 0.5], StrategyBlend.Combine([a, b], BlendMethod.Equal).Weights);
        var parity = StrategyBlend.Combine([a, b], BlendMethod.RiskParity);
        Assert.Equal(parity.RiskShares[0], parity.RiskShares[1], 12);
        Assert.Contains("give one per run (2), got 1", Assert.Throws<ArgumentException>(() => StrategyBlend.Combine([a, b], BlendMethod.Given, [1])).Message, StringComparison.Ordinal);
        Assert.Contains("zero or more", Assert.Throws<ArgumentException>(() => StrategyBlend.Combine([a, b], BlendMethod.Given, [1, -1])).Message, StringComparison.Ordinal);
        Assert.Contains("share 0 session(s)", Assert.Throws<ArgumentException>(() => StrategyBlend.Combine([a, (days.Select(d => d.AddYears(1)).ToArray(), a.Item2)], BlendMethod.Equal)).Message, StringComparison.Ordinal);
        Assert.Contains("two runs or more", Assert.Throws<ArgumentException>(() => StrategyBlend.Combine([a], BlendMethod.Equal)).Message, StringComparison.Ordinal);
    }
}
