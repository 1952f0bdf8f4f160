using Research.Core.Statistics;

namespace Research.Core.Tests.Statistics;

/// <summary>Quantiles against hand computations of numpy's two methods (np.quantile(x, p, method="linear"|"lower")).</summary>
public sealed class QuantilesTests
{
    private static readonly double[] Sorted = [1, 2, 3, 4, 10];

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 2.0)]   // h = 4 x 0.25 = 1 -> x[1]
    [InlineData(0.3, 2.2)]    // h = 1.2 -> 2 + 0.2 x (3 - 2)
    [InlineData(0.9, 7.6)]    // h = 3.6 -> 4 + 0.6 x (10 - 4)
    [InlineData(1.0, 10.0)]
    public void Linear_interpolates_between_the_order_statistics_either_side_of_h(double p, double expected) =>
        Assert.Equal(expected, Quantiles.Linear(Sorted, p), 12);

    [Theory]
    [InlineData(0.3, 2.0)]    // floor(1.2) = 1
    [InlineData(0.9, 4.0)]    // floor(3.6) = 3
    [InlineData(1.0, 10.0)]
    public void Lower_takes_the_order_statistic_below_h(double p, double expected) =>
        Assert.Equal(expected, Quantiles.Lower(Sorted, p));

    [Fact]
    public void Lower_of_nothing_is_missing_and_linear_of_nothing_is_an_error()
    {
        Assert.True(double.IsNaN(Quantiles.Lower([], 0.5)));
        Assert.Throws<ArgumentException>(() => Quantiles.Linear([], 0.5));
    }

    [Fact]
    public void A_probability_outside_zero_to_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.Linear(Sorted, 1.5));
}
