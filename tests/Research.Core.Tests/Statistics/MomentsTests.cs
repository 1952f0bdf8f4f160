using Research.Core.Statistics;

namespace Research.Core.Tests.Statistics;

/// <summary>
/// Moments of x = [1, 2, 3, 4, 10] by hand: mean 4, deviations (-3, -2, -1, 0, 6), Σd² = 50, Σd³ = 180, Σd⁴ = 1394;
/// m2 = 10, m3 = 36, m4 = 278.8 (divisor n = 5).
/// </summary>
public sealed class MomentsTests
{
    private static readonly double[] X = [1, 2, 3, 4, 10];

    [Fact]
    public void Standard_deviation_divides_by_n_minus_one() => Assert.Equal(Math.Sqrt(50.0 / 4), Moments.StandardDeviation(X), 14);

    [Fact]
    public void Skewness_is_the_bias_corrected_G1()
    {
        // g1 = 36 / 10^1.5; G1 = g1 √(5·4) / 3 = 1.2 √2.
        Assert.Equal(1.2 * Math.Sqrt(2), Moments.Skewness(X), 12);
    }

    [Fact]
    public void Kurtosis_is_m4_over_m2_squared_not_excess() => Assert.Equal(278.8 / 100, Moments.Kurtosis(X), 12);

    [Fact]
    public void Too_few_values_give_missing_not_a_number()
    {
        Assert.True(double.IsNaN(Moments.StandardDeviation([1.0])));
        Assert.True(double.IsNaN(Moments.Skewness([1.0, 2.0])));
    }
}
