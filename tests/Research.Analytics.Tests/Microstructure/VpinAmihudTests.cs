using MathNet.Numerics.Distributions;
using Research.Analytics.Microstructure;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// VPIN on bars built here equals a second computation share by share (each share of a bar a buy with probability
/// Z(ΔP/σ), buckets of consecutive shares); Amihud illiquidity equals the hand computation.
/// </summary>
public sealed class VpinAmihudTests
{
    [Fact]
    public void Vpin_equals_a_share_by_share_computation()
    {
        var day = new DateOnly(2024, 3, 1);
        double[] changes = [0.02, -0.05, 0.01, 0.00, 0.07, -0.03, -0.02, 0.04, 0.01, -0.06, 0.03, 0.02];
        int[] volumes = [700, 300, 1_200, 500, 900, 400, 1_100, 600, 800, 300, 1_000, 700];
        var bars = changes.Select((c, k) => new VolumeBar(day, 34_260 + (60 * k), c, volumes[k])).ToList();
        const double Adv = 4_000;
        var result = Vpin.Measure(bars, Adv, bucketsPerDay: 10, window: 3);
        Assert.Equal(400, result.BucketVolume);

        var mean = changes.Average();
        var sigma = Math.Sqrt(changes.Sum(c => (c - mean) * (c - mean)) / (changes.Length - 1));
        Assert.Equal(sigma, result.SigmaPriceChange, 15);
        var shares = bars.SelectMany(b => Enumerable.Repeat(Normal.CDF(0, 1, b.PriceChange / sigma), (int)b.Volume)).ToArray();
        var imbalances = shares.Chunk(400).Where(c => c.Length == 400).Select(c => Math.Abs(c.Sum(p => 1 - p) - c.Sum(p => p))).ToArray();
        Assert.Equal(imbalances.Length, result.Buckets.Count);
        for (var k = 0; k < imbalances.Length; k++)
        {
            Assert.Equal(imbalances[k], Math.Abs(result.Buckets[k].SellVolume - result.Buckets[k].BuyVolume), 9);
            var expected = k >= 2 ? imbalances.Skip(k - 2).Take(3).Sum() / (3 * 400.0) : double.NaN;
            Assert.Equal(expected, result.Buckets[k].Vpin, 12);
        }

        Assert.All(result.Values, v => Assert.InRange(v, 0, 1));
        Assert.Throws<ArgumentException>(() => Vpin.Measure(bars, 0));
        Assert.Throws<ArgumentException>(() => Vpin.Measure([.. bars.Select(b => b with { PriceChange = 0.01 })], Adv));
    }

    [Fact]
    public void Amihud_is_the_mean_absolute_return_per_million_dollars()
    {
        double[] returns = [0.01, -0.02, double.NaN, 0.005, 0.03];
        double[] dollars = [2e6, 4e6, 1e6, 0, 3e6];
        var illiquidity = Amihud.Measure(returns, dollars, 2, out var days);
        Assert.Equal(3, days);
        Assert.Equal(((0.01 / 2e6) + (0.02 / 4e6) + (0.03 / 3e6)) / 3 * 1e6, illiquidity, 15);
        Assert.True(double.IsNaN(Amihud.Measure(returns, dollars, 4, out _)));
    }
}
