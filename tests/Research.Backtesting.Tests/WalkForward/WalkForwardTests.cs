using Research.Analytics.Factors;
using Research.Backtesting.Engine;
using Research.Backtesting.WalkForward;
using Research.Core.Calendars;

namespace Research.Backtesting.Tests.WalkForward;

/// <summary>Window layout and the stitched out-of-sample track on a market whose better stock changes half way.</summary>
public sealed class WalkForwardTests
{
    [Fact]
    public void Rolling_and_expanding_windows_tile_the_history_after_the_first_training_window()
    {
        var rolling = WalkForwardOptimizer.Windows(0, 299, new WalkForwardSpec(60, 20));
        Assert.Equal(12, rolling.Count);
        Assert.Equal(new WalkForwardWindow(0, 59, 60, 79), rolling[0]);
        Assert.Equal(new WalkForwardWindow(220, 279, 280, 299), rolling[^1]);
        Assert.All(rolling.Zip(rolling.Skip(1)), p => Assert.Equal(p.First.TestTo + 1, p.Second.TestFrom));

        var expanding = WalkForwardOptimizer.Windows(0, 299, new WalkForwardSpec(60, 20, Expanding: true));
        Assert.All(expanding, w => Assert.Equal(0, w.TrainFrom));
        Assert.Equal(279, expanding[^1].TrainTo);
        Assert.Throws<ArgumentException>(() => WalkForwardOptimizer.Windows(0, 50, new WalkForwardSpec(60, 20)));
    }

    [Fact]
    public void The_winner_of_each_training_window_trades_the_next_test_window_and_the_tracks_are_stitched()
    {
        const int sessions = 300;
        var dates = NyseCalendar.Instance.Sessions(new DateOnly(2023, 1, 3), new DateOnly(2025, 12, 31)).Take(sessions).ToArray();
        var returns = new double[sessions * 2];
        var rng = new Research.Core.Randomness.DeterministicRandom(4);
        for (var t = 1; t < sessions; t++)
        {
            var aWins = t < 150;
            returns[t * 2] = (aWins ? 0.002 : -0.002) + (0.003 * rng.NextGaussian());
            returns[(t * 2) + 1] = (aWins ? -0.002 : 0.002) + (0.003 * rng.NextGaussian());
        }

        returns[0] = returns[1] = double.NaN;
        var caps = Enumerable.Repeat(1.0, sessions * 2).ToArray();
        var panel = new EquityPanel(dates, [1, 2], ["A", "B"], returns, caps, (double[])caps.Clone(), (double[])caps.Clone());
        panel.Names[0] = [new NameSpan(dates[0], dates[^1], true, 0)];
        panel.Names[1] = [new NameSpan(dates[0], dates[^1], true, 0)];
        var data = BacktestData.FromPanel(panel);
        var grid = new[] { new GridPoint("long A", () => new Fixed("long A", [1.0, 0.0])), new GridPoint("long B", () => new Fixed("long B", [0.0, 1.0])) };
        var settings = new BacktestSettings { From = dates[0], To = dates[^1], Costs = CostModel.None };
        var result = WalkForwardOptimizer.Run(data, grid, new WalkForwardSpec(60, 20), settings, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(sessions - 60, result.Returns.Length);
        Assert.Equal(dates[60..], result.Dates);
        Assert.Equal("long A", result.Windows[0].Chosen);
        Assert.Equal("long B", result.Windows[^1].Chosen);
        Assert.InRange(result.Stability, 0.7, 0.95);

        // Each window decides at the close that ends its training and buys at its first close (that day is in cash: no
        // look-ahead), then earns the chosen stock's returns.
        foreach (var outcome in result.Windows)
        {
            var asset = outcome.Chosen == "long A" ? 0 : 1;
            Assert.Equal(0.0, result.Returns[outcome.Window.TestFrom - 60]);
            for (var t = outcome.Window.TestFrom + 1; t <= outcome.Window.TestTo; t++)
            {
                Assert.Equal(returns[(t * 2) + asset], result.Returns[t - 60], 12);
            }
        }
    }

    private sealed class Fixed(string name, double[] weights) : IStrategy
    {
        private bool _done;

        public string Name => name;

        public bool RebalancesOn(PointInTimeView view) => !_done;

        public double[] TargetWeights(PointInTimeView view)
        {
            _done = true;
            return (double[])weights.Clone();
        }
    }
}
