using Research.Console.Backtests;
using Research.Grains.Abstractions.Backtests;

namespace Research.Console.Tests;

/// <summary>The comparison page's correlation and differences, against hand computations.</summary>
public sealed class ComparisonTests
{
    private static DateOnly Day(int d) => new(2024, 1, d);

    [Fact]
    public void Correlations_use_the_sessions_every_run_has()
    {
        // a and b agree on days 2-5 up to scale (correlation 1); c moves against a there (-1); day 1 and day 6 are
        // each missing from one run and must be left out, or the correlations would differ.
        (DateOnly[], double[]) a = ([Day(1), Day(2), Day(3), Day(4), Day(5)], [0.5, 0.01, -0.02, 0.03, 0.00]);
        (DateOnly[], double[]) b = ([Day(2), Day(3), Day(4), Day(5), Day(6)], [0.02, -0.04, 0.06, 0.00, -0.9]);
        (DateOnly[], double[]) c = ([Day(5), Day(4), Day(3), Day(2), Day(1)], [0.01, -0.02, 0.03, 0.00, 0.7]); // out of order on purpose
        var (sessions, m) = Comparison.Correlations([a, b, c]);
        Assert.Equal(4, sessions);
        Assert.Equal(1.0, m[0, 1], 12);
        Assert.Equal(1.0, m[1, 0], 12);
        Assert.Equal(-1.0, m[0, 2], 12);
        Assert.Equal(1.0, m[2, 2]);

        // Hand computation for a partial one: x = (1, 2, 3, 4), y = (1, 3, 2, 5): sxy = 2.625 - 0.125 - 0.375 + 3.375 = 5.5, sxx = 5, syy = 8.75.
        var (_, p) = Comparison.Correlations([([Day(1), Day(2), Day(3), Day(4)], [1.0, 2, 3, 4]), ([Day(1), Day(2), Day(3), Day(4)], [1.0, 3, 2, 5])]);
        Assert.Equal(5.5 / Math.Sqrt(5 * 8.75), p[0, 1], 12);

        var (_, flat) = Comparison.Correlations([([Day(1), Day(2)], [0.0, 0.0]), ([Day(1), Day(2)], [0.01, 0.02])]);
        Assert.True(double.IsNaN(flat[0, 1])); // no variation: no correlation, not 0
    }

    [Fact]
    public void A_difference_is_in_the_metrics_unit()
    {
        static ResultMetric M(ResultMetricUnit unit, double? value) => new("g", "k", "label", unit, value, "shown");
        Assert.Equal("+1.50 pp", Comparison.Difference(M(ResultMetricUnit.Percent, 0.10), M(ResultMetricUnit.Percent, 0.115)));
        Assert.Equal("-0.250", Comparison.Difference(M(ResultMetricUnit.Number, 1.0), M(ResultMetricUnit.Number, 0.75)));
        Assert.Equal("+1,200", Comparison.Difference(M(ResultMetricUnit.Count, 300), M(ResultMetricUnit.Count, 1500)));
        Assert.Null(Comparison.Difference(M(ResultMetricUnit.Date, null), M(ResultMetricUnit.Date, null)));
        Assert.Null(Comparison.Difference(M(ResultMetricUnit.Number, double.NaN), M(ResultMetricUnit.Number, 1)));
    }
}
