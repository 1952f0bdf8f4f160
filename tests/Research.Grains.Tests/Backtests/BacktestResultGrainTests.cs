using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>The result grain's views equal what the stored series say: wealth, drawdown, monthly returns, trades pages, the Monte Carlo fan.</summary>
public sealed class BacktestResultGrainTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task Views_of_a_stored_backtest_and_its_Monte_Carlo_match_the_series()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("views"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var bt = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("momentum", From: new DateOnly(2022, 6, 1)), null, JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId))).State);
        var results = cluster.Client.GetGrain<IBacktestResultGrain>(0);

        var view = await results.GetViewAsync(bt.JobId);
        var wealth = 1.0;
        var peak = 1.0;
        for (var t = 0; t < view.Returns.Length; t++)
        {
            wealth *= 1 + view.Returns[t];
            peak = Math.Max(peak, wealth);
            Assert.Equal(wealth, view.Wealth[t], 12);
            Assert.Equal((wealth / peak) - 1, view.Drawdown[t], 12);
        }

        Assert.Equal(view.Dates.Select(d => (d.Year, d.Month)).Distinct().Count(), view.Monthly.Length);
        Assert.Equal(view.Wealth[^1], view.Monthly.Aggregate(1.0, (w, m) => w * (1 + m.Return)), 10);
        Assert.NotNull(view.Turnover);

        var first = await results.GetTradesAsync(bt.JobId, 0, 50);
        var second = await results.GetTradesAsync(bt.JobId, 50, 50);
        var both = await results.GetTradesAsync(bt.JobId, 0, 100);
        Assert.True(first.Total > 100, $"{first.Total} trades");
        Assert.Equal(both.Rows, first.Rows.Concat(second.Rows));
        var positions = await results.GetPositionsAsync(bt.JobId, 5);
        Assert.Equal(5, positions.Rows.Length);
        Assert.True(positions.Long > 0 && positions.Short < 0);

        // The dashboard's lookup: the strategy's latest backtest from the result index.
        var performance = await results.GetStrategyPerformanceAsync("momentum", 3);
        Assert.NotNull(performance);
        Assert.Equal(bt.JobId, performance.JobId);
        Assert.Equal(view.Wealth, performance.View.Wealth);
        Assert.Equal(3, performance.Positions.Rows.Length);
        Assert.Null(await results.GetStrategyPerformanceAsync("value", 3));

        var mc = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(bt.JobId, 300, MonteCarloMethod.Bootstrap, 20, Seed: 3), JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(mc.JobId))).State);
        var paths = await results.GetMonteCarloAsync(mc.JobId);
        Assert.Equal(300, paths.TerminalWealth.Length);
        var fan = Assert.IsType<FanView>(paths.Fan);
        Assert.Equal(300, fan.Paths);
        var sorted = paths.TerminalWealth.Order().ToArray();
        Assert.Equal(Research.Core.Statistics.Quantiles.Linear(sorted, 0.5), fan.P50[^1], 12);
        await Assert.ThrowsAsync<InvalidOperationException>(() => results.GetViewAsync(mc.JobId)); // a Monte Carlo has no daily track
    }
}
