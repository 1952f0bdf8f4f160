using Research.Analytics.Factors;
using Research.Backtesting.Engine;
using Research.Backtesting.Strategies;
using Research.Core.Calendars;
using Research.Core.Randomness;

namespace Research.Backtesting.Tests.Strategies;

/// <summary>The optimiser-driven strategy on a market with a planted factor premium and planted betas.</summary>
public sealed class OptimizedFactorStrategyTests
{
    private const int Stocks = 80;
    private const int Sessions = 500;

    private static (BacktestData Data, FactorExposures Exposures, double[] Beta, double[] Score) Market()
    {
        var rng = new DeterministicRandom(17);
        var dates = NyseCalendar.Instance.Sessions(new DateOnly(2022, 1, 3), new DateOnly(2024, 12, 31)).Take(Sessions).ToArray();
        var beta = Enumerable.Range(0, Stocks).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var score = Enumerable.Range(0, Stocks).Select(_ => rng.NextGaussian()).ToArray();
        var returns = new double[Sessions * Stocks];
        for (var t = 0; t < Sessions; t++)
        {
            var market = 0.0003 + (0.01 * rng.NextGaussian());
            for (var i = 0; i < Stocks; i++)
            {
                // Planted premium: 6 bp a day per unit of score.
                returns[(t * Stocks) + i] = (beta[i] * market) + (0.0006 * score[i]) + (0.015 * rng.NextGaussian());
            }
        }

        var cap = Enumerable.Repeat(1e9, Sessions * Stocks).ToArray();
        var panel = new EquityPanel(dates, [.. Enumerable.Range(1, Stocks)], [.. Enumerable.Range(1, Stocks).Select(i => $"S{i}")], returns, cap, (double[])cap.Clone(), (double[])cap.Clone());
        for (var i = 0; i < Stocks; i++)
        {
            panel.Names[i] = [new NameSpan(dates[0], dates[^1], true, 0)];
        }

        var snapshots = new List<ExposureSnapshot>();
        foreach (var t in panel.MonthEnds())
        {
            snapshots.Add(new ExposureSnapshot(dates[t], t, [.. Enumerable.Range(0, Stocks)], new int[Stocks], new double[Stocks], (double[])score.Clone(), [1.0]));
        }

        return (BacktestData.FromPanel(panel), new FactorExposures(["momentum"], snapshots), beta, score);
    }

    [Fact]
    public void Books_respect_the_constraints_lean_on_the_score_stay_near_beta_neutral_and_earn_the_planted_premium()
    {
        var (data, exposures, beta, score) = Market();
        var settings = new BacktestSettings { From = data.Dates[260], To = data.Dates[^1], Costs = CostModel.None };
        var result = BacktestEngine.Run(data, new OptimizedFactorStrategy("momentum"), settings, exposures, cancellationToken: TestContext.Current.CancellationToken);

        var rebalances = result.Trades.Select(t => t.Date).Distinct().ToList();
        Assert.True(rebalances.Count >= 8, $"{rebalances.Count} rebalances");
        foreach (var date in rebalances)
        {
            var w = new double[Stocks];
            foreach (var trade in result.Trades.Where(t => t.Date == date))
            {
                w[trade.Asset] = trade.After;
            }

            // Weights right after a rebalance (untouched positions drifted, so only check the ones traded this day).
            var traded = result.Trades.Where(t => t.Date == date).Select(t => t.Asset).ToHashSet();
            Assert.All(traded, i => Assert.InRange(w[i], -0.03 - 1e-6, 0.03 + 1e-6));
        }

        var (assets, weights) = result.Positions.At(rebalances[^1]);
        var book = new double[Stocks];
        for (var k = 0; k < assets.Length; k++)
        {
            book[assets[k]] = weights[k];
        }

        Assert.InRange(book.Sum(), -1e-3, 1e-3);
        Assert.InRange(book.Sum(Math.Abs), 1.5, 2 + 1e-3);
        Assert.InRange(beta.Zip(book, (b, w) => b * w).Sum(), -0.15, 0.15);
        Assert.True(Correlation(book, score) > 0.6, $"weights vs score correlation {Correlation(book, score):F2}");

        var mean = result.Returns.Skip(25).Average();
        Assert.True(mean > 0.0003, $"mean daily return {mean:E2}; the planted premium should earn several bp a day");
    }

    private static double Correlation(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        var sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return sxy / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }
}
