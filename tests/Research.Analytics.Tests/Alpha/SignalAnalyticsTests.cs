using Research.Analytics.Alpha;

namespace Research.Analytics.Tests.Alpha;

/// <summary>Signal analytics on a panel small enough to check by hand, on pure noise, and on coverage failures.</summary>
public sealed class SignalAnalyticsTests
{
    private static readonly DateOnly[] Dates = [new(2024, 1, 2), new(2024, 1, 3), new(2024, 1, 4), new(2024, 1, 5)];

    // 4 sessions x 5 assets, row-major.
    private static readonly double[] Signal =
    [
        1, 2, 3, 4, 5,
        5, 4, 3, 2, 1,
        2, 1, 4, 3, 5,
        1, 2, 3, 5, 4,
    ];

    private static readonly double[] Returns =
    [
        double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
        0.01, 0.02, 0.00, 0.03, 0.05,
        0.02, -0.01, 0.00, 0.01, -0.02,
        0.00, 0.01, 0.02, 0.03, 0.04,
    ];

    private static double Pearson(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return sxy / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    private static double[] Row(double[] panel, int t) => panel[(t * 5)..((t + 1) * 5)];

    [Fact]
    public void Ic_rank_ic_quantiles_and_turnover_equal_a_hand_computation()
    {
        var report = SignalAnalytics.Evaluate(Dates, 5, Signal, Returns, new SignalAnalyticsOptions([1, 2], Quantiles: 2, MaxDropShare: 0.5));
        var one = report.Horizons[0];

        // IC on 2024-01-02 by hand: x = 1..5, y = .01 .02 0 .03 .05; Σdxdy = 0.09, Σdx² = 10, Σdy² = 0.00148.
        Assert.Equal(0.09 / Math.Sqrt(10 * 0.00148), one.Ic[0], 12);
        Assert.Equal(Dates[..3], one.Dates);
        for (var t = 0; t < 3; t++)
        {
            var (x, y) = (Row(Signal, t), Row(Returns, t + 1));
            Assert.Equal(Pearson(x, y), one.Ic[t], 12);
        }

        // Rank IC, 2024-01-03: signal 5 4 3 2 1 against returns .02 -.01 0 .01 -.02, ranks 5 4 3 2 1 vs 5 2 3 4 1.
        Assert.Equal(Pearson([5, 4, 3, 2, 1], [5, 2, 3, 4, 1]), one.RankIc[1], 12);

        // Two quantiles of five: the three lowest signals and the two highest (⌊rank x 2 / 5⌋), with the next session's returns:
        // 01-02 bottom A B C, top D E; 01-03 bottom E D C, top A B; 01-04 bottom B A D, top C E.
        double[] bottom = [(0.01 + 0.02 + 0.00) / 3, (-0.02 + 0.01 + 0.00) / 3, (0.01 + 0.00 + 0.03) / 3];
        double[] top = [(0.03 + 0.05) / 2, (0.02 - 0.01) / 2, (0.02 + 0.04) / 2];
        Assert.Equal(bottom.Average(), one.QuantileMeans[0], 12);
        Assert.Equal(top.Average(), one.QuantileMeans[1], 12);
        Assert.Equal(top.Zip(bottom, (a, b) => a - b).Average(), one.Spread, 12);
        Assert.Equal(one.Ic.Average(), one.IcSummary.Mean, 12);
        Assert.Equal(0.06 / Math.Sqrt(10 * 0.001), one.Ic[1], 12); // 01-03: Σdxdy = 0.06, Σdy² = 0.001
        Assert.Equal(1, one.IcSummary.HitRate, 12); // all three positive
        Assert.Equal(5, one.DroppedForReturn); // the last date has no next session

        // Two sessions ahead: compounded, (1 + r_{t+1})(1 + r_{t+2}) - 1, two dates.
        var two = report.Horizons[1];
        double[] forward = [.. Enumerable.Range(0, 5).Select(i => ((1 + Returns[5 + i]) * (1 + Returns[10 + i])) - 1)];
        Assert.Equal(Pearson(Row(Signal, 0), forward), two.Ic[0], 12);
        Assert.Equal(10, two.DroppedForReturn);

        // Top quantile {D, E} -> {A, B} -> {E, C}... by hand: 2024-01-03 top {A, B}: both new; 01-04 top {C, E}: both new; 01-05 top {D, E}: D new.
        Assert.Equal((1 + 1 + 0.5) / 3, report.TopTurnover, 12);
        Assert.Equal(new[] { -1, Pearson([2, 1, 4, 3, 5], [5, 4, 3, 2, 1]), Pearson([1, 2, 3, 5, 4], [2, 1, 4, 3, 5]) }.Average(), report.RankAutocorrelation, 12);
        Assert.Equal(20, report.SignalValues);
    }

    [Fact]
    public void A_pure_noise_signal_has_an_ic_t_statistic_within_two_on_at_least_nine_of_ten_seeds()
    {
        const int Sessions = 260, Assets = 80;
        var dates = Enumerable.Range(0, Sessions).Select(d => new DateOnly(2020, 1, 1).AddDays(d)).ToArray();
        var within = 0;
        for (var seed = 1; seed <= 10; seed++)
        {
            var random = new Random(seed);
            var signal = Enumerable.Range(0, Sessions * Assets).Select(_ => random.NextDouble()).ToArray();
            var returns = Enumerable.Range(0, Sessions * Assets).Select(_ => 0.02 * (random.NextDouble() - 0.5)).ToArray();
            var t = SignalAnalytics.Evaluate(dates, Assets, signal, returns, new SignalAnalyticsOptions([1])).Horizons[0].IcSummary.NeweyWestT;
            within += Math.Abs(t) < 2 ? 1 : 0;
        }

        Assert.True(within >= 9, $"{within} of 10 seeds within +-2");
    }

    [Fact]
    public void A_signal_whose_forward_returns_are_mostly_missing_fails_loudly_with_the_numbers()
    {
        var returns = Returns.ToArray();
        for (var c = 5; c < 20; c++)
        {
            returns[c] = c % 5 < 3 ? double.NaN : returns[c]; // three of five assets have no returns at all
        }

        var error = Assert.Throws<SignalCoverageException>(() => SignalAnalytics.Evaluate(Dates, 5, Signal, returns, new SignalAnalyticsOptions([1], Quantiles: 2)));
        Assert.Contains("14 of 20 signal values (70.0%) have no 1-session forward return, above the limit of 35%", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Average ranks (1-based) by grouping equal values: written out, not the library's sorted-run code.</summary>
    private static double[] AverageRanks(double[] values)
    {
        var ranks = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var below = values.Count(v => v < values[i]);
            var equal = values.Count(v => v == values[i]);
            ranks[i] = below + ((equal + 1) / 2.0);
        }

        return ranks;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_missing_cells_and_tied_signals_every_statistic_equals_a_direct_computation(bool ties)
    {
        // 30 sessions x 12 assets; 8% of signal and return cells missing; with ties the signal takes five values only.
        const int Sessions = 30, Assets = 12, Quantiles = 3;
        var random = new Random(ties ? 7 : 8);
        var dates = Enumerable.Range(0, Sessions).Select(d => new DateOnly(2024, 1, 1).AddDays(d)).ToArray();
        var signal = Enumerable.Range(0, Sessions * Assets).Select(_ => random.NextDouble() < 0.08 ? double.NaN : ties ? random.Next(5) : random.NextDouble()).ToArray();
        var returns = Enumerable.Range(0, Sessions * Assets).Select(_ => random.NextDouble() < 0.08 ? double.NaN : 0.04 * (random.NextDouble() - 0.5)).ToArray();
        var report = SignalAnalytics.Evaluate(dates, Assets, signal, returns, new SignalAnalyticsOptions([1, 3], Quantiles, MaxDropShare: 0.9));

        foreach (var (h, k) in new[] { (1, 0), (3, 1) })
        {
            var (ic, rankIc, quantileSums, datesUsed) = (new List<double>(), new List<double>(), new double[Quantiles], 0);
            for (var t = 0; t + h < Sessions; t++)
            {
                var ids = Enumerable.Range(0, Assets).Where(i => double.IsFinite(signal[(t * Assets) + i])
                    && Enumerable.Range(1, h).All(s => double.IsFinite(returns[((t + s) * Assets) + i]))).ToArray();
                if (ids.Length < Quantiles)
                {
                    continue;
                }

                var x = ids.Select(i => signal[(t * Assets) + i]).ToArray();
                var y = ids.Select(i => Enumerable.Range(1, h).Aggregate(1.0, (g, s) => g * (1 + returns[((t + s) * Assets) + i])) - 1).ToArray();
                ic.Add(Pearson(x, y));
                rankIc.Add(Pearson(AverageRanks(x), AverageRanks(y)));

                // Quantile of each pair: its 0-based position by signal, ties by asset, times Q over the count.
                var bySignal = Enumerable.Range(0, ids.Length).OrderBy(p => x[p]).ThenBy(p => ids[p]).ToArray();
                for (var q = 0; q < Quantiles; q++)
                {
                    var members = Enumerable.Range(0, ids.Length).Where(pos => pos * Quantiles / ids.Length == q).Select(pos => y[bySignal[pos]]).ToArray();
                    quantileSums[q] += members.Average();
                }

                datesUsed++;
            }

            var horizon = report.Horizons[k];
            Assert.Equal(ic.Count, horizon.Ic.Count);
            for (var d = 0; d < ic.Count; d++)
            {
                Assert.Equal(ic[d], horizon.Ic[d], 12);
                Assert.Equal(rankIc[d], horizon.RankIc[d], 12);
            }

            for (var q = 0; q < Quantiles; q++)
            {
                Assert.Equal(quantileSums[q] / datesUsed, horizon.QuantileMeans[q], 12);
            }
        }

        // Rank autocorrelation and top turnover between consecutive dates with a signal (every date here has one).
        var (auto, turnover) = (new List<double>(), new List<double>());
        int[] Top(int t)
        {
            var ids = Enumerable.Range(0, Assets).Where(i => double.IsFinite(signal[(t * Assets) + i])).OrderBy(i => signal[(t * Assets) + i]).ThenBy(i => i).ToArray();
            return [.. ids.Where((_, pos) => pos * Quantiles / ids.Length == Quantiles - 1)];
        }

        for (var t = 1; t < Sessions; t++)
        {
            var common = Enumerable.Range(0, Assets).Where(i => double.IsFinite(signal[(t * Assets) + i]) && double.IsFinite(signal[((t - 1) * Assets) + i])).ToArray();
            auto.Add(Pearson(AverageRanks([.. common.Select(i => signal[(t * Assets) + i])]), AverageRanks([.. common.Select(i => signal[((t - 1) * Assets) + i])])));
            var (now, before) = (Top(t), Top(t - 1));
            turnover.Add(now.Count(i => !before.Contains(i)) / (double)now.Length);
        }

        Assert.Equal(auto.Where(double.IsFinite).Average(), report.RankAutocorrelation, 12);
        Assert.Equal(turnover.Average(), report.TopTurnover, 12);
    }
}
