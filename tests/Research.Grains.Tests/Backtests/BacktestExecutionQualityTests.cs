using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.ExecutionQuality;
using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>
/// Execution analysis of a stored backtest's trades (<c>IExecutionQualityGrain</c>, source <c>backtest</c>) against a
/// computation here from the stored trades and CRSP: the decision price is the previous session's close restated in the
/// trade day's shares with the adjustment factors; explicit = commission × |value|;
/// trading = half spread × |value| when impact is off; delay = s · Q · (P_t − P_d).
/// </summary>
public sealed class BacktestExecutionQualityTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task A_backtests_shortfall_splits_into_commission_the_modelled_spread_and_the_one_session_delay()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("execution"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var grain = cluster.Client.GetGrain<IExecutionQualityGrain>(0);
        var previous = PreviousCloses();

        foreach (var spec in new[]
        {
            new BacktestJobSpec("momentum", From: new DateOnly(2022, 6, 1), Execution: ExecutionTiming.NextOpen, CommissionBps: 2, HalfSpreadBps: 7, Impact: 0),
            new BacktestJobSpec("low-vol", From: new DateOnly(2022, 6, 1)),
        })
        {
            var job = await scheduler.SubmitAsync(new JobSubmission(spec, null, JobPriority.Normal, "alice"));
            var status = await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(job.JobId));
            Assert.True(status.State == JobState.Succeeded, $"{job.JobId}: {status.State} {status.Error}");
            var view = await grain.AnalyzeAsync(new ExecutionQualityRequest("backtest", null, null, null, job.JobId));

            var results = cluster.Client.GetGrain<IBacktestResultGrain>(0);
            var trades = new List<TradeRow>();
            var total = (await results.GetTradesAsync(job.JobId, 0, 1)).Total;
            for (var skip = 0; skip < total; skip += 1000)
            {
                trades.AddRange((await results.GetTradesAsync(job.JobId, skip, 1000)).Rows);
            }

            // A trade on a day CRSP has no close (or open) for is stored without a price: left out, and counted.
            var unpriced = trades.RemoveAll(t => t.Price is null);
            Assert.True(trades.Count > 100, $"{trades.Count} priced trades");
            if (unpriced > 0)
            {
                Assert.Contains($"{unpriced:N0} without an execution price", view.Basis, StringComparison.Ordinal);
            }

            var (investment, fees, delay, spread, charged) = (0.0, 0.0, 0.0, 0.0, 0.0);
            foreach (var t in trades)
            {
                var (value, price) = (t.Value!.Value, t.Price!.Value);
                var quantity = Math.Abs(value) / price;
                var decision = previous[(t.Permno, t.Date)];
                investment += quantity * decision;
                fees += spec.CommissionBps / 1e4 * Math.Abs(value);
                spread += spec.HalfSpreadBps / 1e4 * Math.Abs(value);
                delay += Math.Sign(value) * quantity * (price - decision);
                charged += t.Cost * Math.Abs(value) / Math.Abs(t.WeightAfter - t.WeightBefore);
            }

            Assert.Equal(trades.Count, view.Count);
            Assert.Equal(investment, view.PaperInvestment, investment * 1e-9);
            Assert.Equal(fees / investment * 1e4, view.ExplicitBps, 9);
            Assert.Equal(delay / investment * 1e4, view.DelayBps, 7);
            Assert.Equal((charged - fees) / investment * 1e4, view.TradingBps, 7);
            if (spec.Impact == 0)
            {
                Assert.Equal(spread / investment * 1e4, view.TradingBps, 7);
            }
            else
            {
                Assert.True(view.TradingBps > spread / investment * 1e4, "impact adds to the half spread");
            }

            Assert.Equal(0, view.OpportunityBps);
            Assert.Equal(view.ExplicitBps + view.DelayBps + view.TradingBps, view.TotalBps, 9);
            Assert.Equal(view.TotalBps / 1e4 * view.PaperInvestment, view.TotalDollars, Math.Abs(view.TotalDollars) * 1e-9);
            // Months add up to the whole, and the listed trades are the largest.
            Assert.Equal(trades.Count, view.Periods!.Sum(p => p.Trades));
            Assert.Equal(view.TotalDollars, view.Periods!.Sum(p => p.TotalBps / 1e4 * p.PaperInvestment), Math.Abs(view.TotalDollars) * 1e-9);
            Assert.Equal(Math.Min(200, trades.Count), view.Orders.Length);
            Assert.True(view.Orders.Zip(view.Orders.Skip(1)).All(p => Math.Abs(p.First.TotalDollars) >= Math.Abs(p.Second.TotalDollars)));
            var first = view.Orders[0];
            var shown = trades.Single(t => $"{t.Date:yyyy-MM-dd}/{t.Permno}" == first.Order);
            Assert.Equal(shown.Ticker, first.Symbol);
            Assert.Equal(previous[(shown.Permno, shown.Date)], first.DecisionPrice, first.DecisionPrice * 1e-12);
            Assert.Contains(spec.Execution == ExecutionTiming.NextOpen ? "next open" : "next close", view.Basis, StringComparison.Ordinal);
        }

        var missing = await Assert.ThrowsAsync<ArgumentException>(() => grain.AnalyzeAsync(new ExecutionQualityRequest("backtest", null, null, null, "bt-0000000000000000")));
        Assert.Contains("'bt-0000000000000000' has no stored result", missing.Message, StringComparison.Ordinal);
        var unnamed = await Assert.ThrowsAsync<ArgumentException>(() => grain.AnalyzeAsync(new ExecutionQualityRequest("backtest", null, null, null, " ")));
        Assert.StartsWith("job:", unnamed.Message, StringComparison.Ordinal);
    }

    /// <summary>Each (permno, day): the previous row's |prc| × cfacpr that day / cfacpr the day before (rows walked here, not a window query).</summary>
    private Dictionary<(int, DateOnly), double> PreviousCloses()
    {
        using var session = WarehouseQuerySession.Open(fixture.Layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily"]);
        using var command = session.CreateTrustedCommand("SELECT permno, date, prc, cfacpr FROM crsp.daily ORDER BY permno, date");
        using var reader = command.ExecuteReader();
        var closes = new Dictionary<(int, DateOnly), double>();
        (int Permno, double Price, double Factor)? last = null;
        while (reader.Read())
        {
            var (permno, day) = (reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1));
            var price = reader.IsDBNull(2) ? double.NaN : Math.Abs(reader.GetDouble(2));
            var factor = reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3);
            if (last is { } l && l.Permno == permno && double.IsFinite(l.Price * factor / l.Factor))
            {
                closes[(permno, day)] = l.Price * factor / l.Factor;
            }

            last = (permno, price, factor);
        }

        return closes;
    }
}
