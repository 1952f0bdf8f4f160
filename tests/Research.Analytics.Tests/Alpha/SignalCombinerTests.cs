using Research.Analytics.Alpha;

namespace Research.Analytics.Tests.Alpha;

/// <summary>The combiner estimates weights from the past only; its methods do what they say on panels built to show it.</summary>
public sealed class SignalCombinerTests
{
    private const int Dates = 160;
    private const int Assets = 60;

    private static DateOnly[] Axis() => [.. Enumerable.Range(0, Dates).Select(d => new DateOnly(2024, 1, 1).AddDays(d))];

    /// <summary>Signal A predicts the next session's return (r = 0.02 A + noise), B is noise.</summary>
    private static (double[] A, double[] B, double[] Returns) Market(int seed, double loading = 0.02)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var (a, b, r) = (new double[Dates * Assets], new double[Dates * Assets], new double[Dates * Assets]);
        for (var c = 0; c < a.Length; c++)
        {
            (a[c], b[c]) = (Gaussian(), Gaussian());
        }

        for (var t = 1; t < Dates; t++)
        {
            for (var i = 0; i < Assets; i++)
            {
                r[(t * Assets) + i] = (loading * a[((t - 1) * Assets) + i]) + (0.02 * Gaussian());
            }
        }

        return (a, b, r);
    }

    [Theory]
    [InlineData(CombinationMethod.IcWeighted)]
    [InlineData(CombinationMethod.IcirWeighted)]
    [InlineData(CombinationMethod.Ridge)]
    public void The_predictive_signal_gets_the_weight_and_no_weight_uses_a_return_not_yet_realised(CombinationMethod method)
    {
        var (a, b, returns) = Market(3);
        var options = new CombinationOptions(method, Horizon: 1, Window: 60, MinimumHistory: 20);
        var combined = SignalCombiner.Combine(Axis(), Assets, [a, b], returns, options);

        // Dates 0..19 have fewer than 20 realised dates before them (date s counts on t only when s + 1 <= t): 20 has 0..19.
        Assert.Equal(Enumerable.Range(0, 20), combined.DatesWithoutHistory);
        Assert.True(double.IsNaN(combined.Weights[(19 * 2) + 0]));
        Assert.False(double.IsNaN(combined.Weights[(20 * 2) + 0]));
        var late = Enumerable.Range(100, 60).Select(t => combined.Weights[(t * 2) + 0]).ToArray();
        Assert.All(late, w => Assert.True(w > 0.75, $"weight on the predictive signal {w}"));

        // Changing every return from session 100 on changes no weight before session 100: the forward return of date 99
        // is realised at 100's close, so date 100's weights read it and date 99's may not.
        var changed = (double[])returns.Clone();
        for (var c = 100 * Assets; c < changed.Length; c++)
        {
            changed[c] = -changed[c];
        }

        var again = SignalCombiner.Combine(Axis(), Assets, [a, b], changed, options);
        for (var t = 0; t < 100; t++)
        {
            Assert.Equal(combined.Weights[(t * 2) + 0], again.Weights[(t * 2) + 0]);
        }

        Assert.NotEqual(combined.Weights[(100 * 2) + 0], again.Weights[(100 * 2) + 0]);

        // The composite predicts as its good part does.
        var report = SignalAnalytics.Evaluate(Axis(), Assets, combined.Values, returns, new SignalAnalyticsOptions([1]));
        Assert.True(report.Horizons[0].RankIcSummary.NeweyWestT > 5, $"t {report.Horizons[0].RankIcSummary.NeweyWestT}");
    }

    [Fact]
    public void Equal_weights_are_a_half_each_from_the_first_date_and_ridge_recovers_an_exact_linear_rule()
    {
        var (a, b, returns) = Market(4);
        var equal = SignalCombiner.Combine(Axis(), Assets, [a, b], returns, new CombinationOptions(CombinationMethod.Equal));
        Assert.Empty(equal.DatesWithoutHistory);
        Assert.All(Enumerable.Range(0, Dates), t => Assert.Equal(0.5, equal.Weights[t * 2]));

        // r_(t+1) = 2 zA_t + 1 zB_t exactly (signals already z-scored per date): ridge without a penalty gives 2/3 and 1/3.
        var za = SignalCombiner.ZScoreByDate(a, Dates, Assets);
        var zb = SignalCombiner.ZScoreByDate(b, Dates, Assets);
        var exact = new double[Dates * Assets];
        for (var t = 1; t < Dates; t++)
        {
            for (var i = 0; i < Assets; i++)
            {
                exact[(t * Assets) + i] = (2 * za[((t - 1) * Assets) + i]) + zb[((t - 1) * Assets) + i];
            }
        }

        var ridge = SignalCombiner.Combine(Axis(), Assets, [a, b], exact, new CombinationOptions(CombinationMethod.Ridge, RidgePenalty: 0));
        Assert.Equal(2.0 / 3, ridge.Weights[(150 * 2) + 0], 9);
        Assert.Equal(1.0 / 3, ridge.Weights[(150 * 2) + 1], 9);
    }

    [Fact]
    public void The_correlation_matrix_and_the_split_equal_hand_values()
    {
        var (a, b, returns) = Market(5);
        var negated = a.Select(v => -v).ToArray();
        var matrix = SignalStability.CorrelationMatrix(Dates, Assets, [a, a.Select(v => (3 * v) + 1).ToArray(), negated, b]);
        Assert.Equal(1, matrix[0, 1], 12); // a monotone transform has rank correlation 1
        Assert.Equal(-1, matrix[0, 2], 12);
        Assert.InRange(matrix[0, 3], -0.05, 0.05);
        Assert.Equal(matrix[3, 0], matrix[0, 3]);

        // The predictive signal against returns that stop responding to it half way: the IC degrades out of sample.
        var decayed = (double[])returns.Clone();
        var random = new Random(9);
        for (var c = 80 * Assets; c < decayed.Length; c++)
        {
            decayed[c] = 0.02 * (random.NextDouble() - 0.5);
        }

        var report = SignalAnalytics.Evaluate(Axis(), Assets, a, decayed, new SignalAnalyticsOptions([1]));
        var split = SignalStability.Split(report.Horizons[0], Axis()[79]);
        var ic = report.Horizons[0].RankIc;
        Assert.Equal(ic.Take(79).Average(), split.InSample.Mean, 12);
        Assert.Equal(ic.Skip(79).Average(), split.OutOfSample.Mean, 12);
        Assert.Equal(1 - (split.OutOfSample.Mean / split.InSample.Mean), split.Degradation, 12);
        Assert.True(split.Degradation > 0.8, $"degradation {split.Degradation}");

        var windows = SignalStability.Windows(report.Horizons[0], 40);
        Assert.Equal([40, 40, 40, 39], windows.Select(w => w.Dates));
        Assert.Equal(ic.Take(40).Average(), windows[0].Mean, 12);
        Assert.Throws<ArgumentException>(() => SignalStability.Split(report.Horizons[0], Axis()[0]));
    }
}
