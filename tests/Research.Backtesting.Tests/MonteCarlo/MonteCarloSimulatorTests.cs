using Research.Backtesting.Metrics;
using Research.Backtesting.MonteCarlo;
using Research.Core.Randomness;

namespace Research.Backtesting.Tests.MonteCarlo;

/// <summary>Resampling: chunk-independence, the shuffle invariant and coverage of a known mean.</summary>
public sealed class MonteCarloSimulatorTests
{
    private static double[] Returns(int n, ulong seed, double mean = 0.0005, double sd = 0.01)
    {
        var rng = new DeterministicRandom(seed);
        return [.. Enumerable.Range(0, n).Select(_ => mean + (sd * rng.NextGaussian()))];
    }

    [Fact]
    public void Results_do_not_depend_on_how_the_paths_are_split_into_chunks()
    {
        var returns = Returns(500, 3);
        var spec = new MonteCarloSpec { Paths = 90, Seed = 42 };
        var whole = MonteCarloSimulator.SimulateChunk(returns, spec, 0, 90, cancellationToken: TestContext.Current.CancellationToken);
        var pieces = new[] { (0, 17), (17, 40), (57, 33) }
            .SelectMany(c => MonteCarloSimulator.SimulateChunk(returns, spec, c.Item1, c.Item2, cancellationToken: TestContext.Current.CancellationToken)).ToArray();
        Assert.Equal(whole, pieces);
        Assert.NotEqual(whole[0].TerminalWealth, whole[1].TerminalWealth);
    }

    [Fact]
    public void Shuffling_leaves_the_Sharpe_ratio_unchanged_and_only_drawdowns_vary()
    {
        var returns = Returns(300, 5);
        var spec = new MonteCarloSpec { Method = Resampling.Shuffle, Paths = 50, Seed = 1 };
        var paths = MonteCarloSimulator.SimulateChunk(returns, spec, 0, 50, cancellationToken: TestContext.Current.CancellationToken);
        var sharpe = PerformanceMetrics.Sharpe(returns);
        Assert.All(paths, p => Assert.Equal(sharpe, p.Sharpe, 10));
        Assert.All(paths, p => Assert.Equal(1 + PerformanceMetrics.CumulativeReturn(returns), p.TerminalWealth, 10));
        Assert.True(paths.Select(p => p.MaxDrawdown).Distinct().Count() > 40, "drawdowns should differ between orderings");
        var summary = MonteCarloSimulator.Summarise(paths, Resampling.Shuffle);
        Assert.Null(summary.Sharpe);
        Assert.True(summary.MaxDrawdown.Lower <= summary.MaxDrawdown.Median && summary.MaxDrawdown.Median <= summary.MaxDrawdown.Upper);
    }

    [Fact]
    public void The_bootstrap_interval_of_the_Sharpe_ratio_covers_the_truth_about_as_often_as_stated()
    {
        // 40 independent histories of 1,000 iid days with a true annual Sharpe of 0.05 / 1 * sqrt(252) = 0.79; the
        // 90% bootstrap interval should cover it in roughly 90% of histories (binomial sd ~5%: allow 75% to 100%).
        const double trueSharpe = 0.0005 / 0.01 * 15.874507866387544;
        var covered = 0;
        for (var h = 0; h < 40; h++)
        {
            var returns = Returns(1000, 100 + (ulong)h);
            var spec = new MonteCarloSpec { Paths = 400, MeanBlock = 5, Seed = (ulong)h };
            var summary = MonteCarloSimulator.Summarise(MonteCarloSimulator.SimulateChunk(returns, spec, 0, 400, cancellationToken: TestContext.Current.CancellationToken), spec.Method, 0.90);
            covered += summary.Sharpe!.Lower <= trueSharpe && trueSharpe <= summary.Sharpe.Upper ? 1 : 0;
        }

        Assert.InRange(covered, 30, 40);
    }

    [Fact]
    public void The_trade_bootstrap_draws_whole_holding_periods()
    {
        // Three holding periods with constant returns 1%, -2% and 0.5% (lengths 2, 3, 1). A two-day path starts with a
        // whole period: 1%,1% (p 1/3), -2%,-2% (p 1/3), or 0.5% then the first day of the next draw (p 1/9 each). A
        // day-level bootstrap would also give 1% then -2%, which a period bootstrap never does.
        double[] returns = [0.01, 0.01, -0.02, -0.02, -0.02, 0.005];
        var spec = new MonteCarloSpec { Method = Resampling.TradeBootstrap, Paths = 9000, Seed = 3, Length = 2 };
        var paths = MonteCarloSimulator.SimulateChunk(returns, spec, 0, 9000, periodStarts: [2, 5], cancellationToken: TestContext.Current.CancellationToken);
        double Share(double a, double b) => paths.Count(p => Math.Abs(p.TerminalWealth - ((1 + a) * (1 + b))) < 1e-12) / 9000.0;
        Assert.Equal(1 / 3.0, Share(0.01, 0.01), 0.03);
        Assert.Equal(1 / 3.0, Share(-0.02, -0.02), 0.03);
        Assert.Equal(1 / 9.0, Share(0.005, 0.01), 0.03);
        Assert.Equal(1 / 9.0, Share(0.005, -0.02), 0.03);
        Assert.Equal(1 / 9.0, Share(0.005, 0.005), 0.03);
        Assert.Equal(0, Share(0.01, -0.02));
        Assert.Equal(1.0, Share(0.01, 0.01) + Share(-0.02, -0.02) + Share(0.005, 0.01) + Share(0.005, -0.02) + Share(0.005, 0.005), 12);

        var noPeriods = Assert.Throws<ArgumentException>(() => MonteCarloSimulator.SimulateChunk(returns, spec, 0, 1));
        Assert.Contains("traded", noPeriods.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_requests_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MonteCarloSimulator.SimulateChunk([0.01], new MonteCarloSpec(), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarloSimulator.SimulateChunk([0.01, 0.02], new MonteCarloSpec { Paths = 10 }, 5, 6));
        Assert.Throws<ArgumentException>(() => MonteCarloSimulator.SimulateChunk([0.01, double.NaN], new MonteCarloSpec(), 0, 1));
    }

    [Fact]
    public void The_fan_at_the_last_day_is_the_quantiles_of_the_paths_terminal_wealth_and_bands_are_ordered()
    {
        var ct = TestContext.Current.CancellationToken;
        var returns = Returns(300, 5);
        var spec = new MonteCarloSpec { Paths = 400, Seed = 9, MeanBlock = 10 };
        var fan = MonteCarloSimulator.Fan(returns, spec, maxPaths: 250, points: 40, cancellationToken: ct);
        Assert.Equal(250, fan.Paths);
        Assert.Equal(40, fan.Days.Length);
        Assert.Equal(0, fan.Days[0]);
        Assert.Equal(299, fan.Days[^1]);

        // Paths 0..249 are the same series SimulateChunk scores: their terminal wealth gives the last column.
        var terminal = MonteCarloSimulator.SimulateChunk(returns, spec, 0, 250, cancellationToken: ct).Select(p => p.TerminalWealth).Order().ToArray();
        for (var q = 0; q < MonteCarloSimulator.FanQuantiles.Count; q++)
        {
            Assert.Equal(Research.Core.Statistics.Quantiles.Linear(terminal, MonteCarloSimulator.FanQuantiles[q]), fan.Bands[q][^1], 12);
        }

        for (var i = 0; i < fan.Days.Length; i++)
        {
            for (var q = 1; q < fan.Bands.Length; q++)
            {
                Assert.True(fan.Bands[q - 1][i] <= fan.Bands[q][i], $"band {q} below band {q - 1} at day {fan.Days[i]}");
            }
        }

        // A shuffle keeps the product of (1 + r): every path ends at the same wealth, so the fan closes there.
        var shuffled = MonteCarloSimulator.Fan(returns, spec with { Method = Resampling.Shuffle }, maxPaths: 50, points: 10, cancellationToken: ct);
        var product = returns.Aggregate(1.0, (w, r) => w * (1 + r));
        Assert.All(shuffled.Bands, band => Assert.Equal(product, band[^1], 10));
        Assert.Equal(fan, MonteCarloSimulator.Fan(returns, spec, maxPaths: 250, points: 40, cancellationToken: ct), new FanComparer());
    }

    private sealed class FanComparer : IEqualityComparer<WealthFan>
    {
        public bool Equals(WealthFan? x, WealthFan? y) => x!.Paths == y!.Paths && x.Days.SequenceEqual(y.Days) && x.Bands.Zip(y.Bands).All(b => b.First.SequenceEqual(b.Second));

        public int GetHashCode(WealthFan obj) => obj.Paths;
    }
}
