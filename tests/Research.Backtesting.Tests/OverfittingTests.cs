using Research.Backtesting.Overfitting;
using Research.Core.Randomness;

namespace Research.Backtesting.Tests;

/// <summary>PBO: pure noise overfits about half the time; a real edge does not.</summary>
public sealed class OverfittingTests
{
    private static double[][] Noise(int configurations, int days, ulong seed, double edgeOfFirst = 0)
    {
        var rng = new DeterministicRandom(seed);
        return [.. Enumerable.Range(0, configurations).Select(c => Enumerable.Range(0, days).Select(_ => (c == 0 ? edgeOfFirst : 0) + (0.01 * rng.NextGaussian())).ToArray())];
    }

    [Fact]
    public void Configurations_of_pure_noise_have_a_probability_of_overfitting_near_one_half()
    {
        var result = BacktestOverfitting.ProbabilityOfOverfitting(Noise(50, 1600, 1), blocks: 10);
        Assert.Equal(252, result.Splits);
        Assert.InRange(result.Probability, 0.3, 0.7);
    }

    [Fact]
    public void A_configuration_with_a_real_edge_is_not_overfit()
    {
        // Daily mean 0.2% on 1% volatility (annual Sharpe 3.2) among 49 noise configurations.
        var result = BacktestOverfitting.ProbabilityOfOverfitting(Noise(50, 1600, 2, edgeOfFirst: 0.002), blocks: 10);
        Assert.True(result.Probability < 0.05, $"PBO {result.Probability}");
    }

    [Fact]
    public void Malformed_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => BacktestOverfitting.ProbabilityOfOverfitting([new double[100]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BacktestOverfitting.ProbabilityOfOverfitting(Noise(3, 100, 3), blocks: 7));
        Assert.Throws<ArgumentException>(() => BacktestOverfitting.ProbabilityOfOverfitting([new double[100], new double[99]]));
    }
}
