using Research.Analytics.Factors;
using Research.Backtesting.Engine;
using Research.Backtesting.Strategies;
using Research.Core.Calendars;

namespace Research.Backtesting.Tests.Engine;

/// <summary>The engine against hand computations on tiny markets.</summary>
public sealed class BacktestEngineTests
{
    private static readonly DateOnly Start = new(2024, 1, 2);

    private static (BacktestData Data, EquityPanel Panel) Market(int sessions, double[][] returns, double[]? dollarVolume = null)
    {
        var dates = NyseCalendar.Instance.Sessions(Start, Start.AddDays(sessions * 2 + 10)).Take(sessions).ToArray();
        var n = returns.Length;
        var r = new double[sessions * n];
        var cap = new double[sessions * n];
        var volume = new double[sessions * n];
        for (var t = 0; t < sessions; t++)
        {
            for (var i = 0; i < n; i++)
            {
                r[(t * n) + i] = returns[i][t];
                cap[(t * n) + i] = 100.0 * (i + 1);
                volume[(t * n) + i] = dollarVolume?[i] ?? 1e9;
            }
        }

        var panel = new EquityPanel(dates, [.. Enumerable.Range(1, n)], [.. Enumerable.Range(1, n).Select(i => $"S{i}")], r, cap, volume, (double[])volume.Clone());
        for (var i = 0; i < n; i++)
        {
            panel.Names[i] = [new NameSpan(dates[0], dates[^1], true, 0)];
        }

        return (BacktestData.FromPanel(panel), panel);
    }

    private static BacktestSettings Settings(BacktestData data, CostModel? costs = null, Execution execution = Execution.NextClose) =>
        new() { From = data.Dates[0], To = data.Dates[^1], Costs = costs ?? CostModel.None, Execution = execution };

    [Fact]
    public void Equal_weight_buy_and_hold_without_costs_ends_with_the_average_growth_of_the_stocks()
    {
        double[][] returns = [[0.0, 0.01, 0.02, -0.01, 0.03], [0.0, -0.02, 0.01, 0.04, 0.0], [0.0, 0.005, 0.005, 0.005, 0.005]];
        var (data, _) = Market(5, returns);
        var result = BacktestEngine.Run(data, new BuyAndHold(), Settings(data));

        // Decided at the close of day 0, bought at the close of day 1: holds from day 2 on.
        Assert.Equal(0.0, result.Returns[0]);
        Assert.Equal(0.0, result.Returns[1]);
        var expected = returns.Average(r => (1 + r[2]) * (1 + r[3]) * (1 + r[4])) - 1;
        var wealth = result.Returns.Aggregate(1.0, (w, r) => w * (1 + r)) - 1;
        Assert.Equal(expected, wealth, 12);
        Assert.Equal(0.5, result.Turnover[1], 12);
        Assert.Equal(3, result.Trades.Count);
    }

    [Fact]
    public void Reading_a_return_after_the_decision_date_fails_with_a_look_ahead_error_naming_the_dates()
    {
        var (data, _) = Market(4, [[0.0, 0.01, 0.02, 0.03]]);
        var error = Assert.Throws<LookAheadException>(() => BacktestEngine.Run(data, new Peeking(), Settings(data)));
        Assert.Contains("peeking", error.Message, StringComparison.Ordinal);
        Assert.Contains(data.Dates[1].ToString("yyyy-MM-dd"), error.Message, StringComparison.Ordinal);
        Assert.Contains(data.Dates[0].ToString("yyyy-MM-dd"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Commission_spread_and_square_root_impact_are_charged_on_the_trade()
    {
        // Stock 0's returns alternate +-1% (daily sd known exactly); dollar volume $1m; capital $10m buys 100%.
        var alternating = Enumerable.Range(0, 25).Select(t => t % 2 == 0 ? 0.01 : -0.01).ToArray();
        alternating[21] = 0.0;
        var (data, _) = Market(25, [alternating], dollarVolume: [1e6]);
        var costs = new CostModel { CommissionBps = 1, HalfSpreadBps = 5, ImpactCoefficient = 0.1, BorrowBps = 0 };
        var strategy = new Scripted("all-in", decideAt: 20, weights: [1.0]);
        var result = BacktestEngine.Run(data, strategy, Settings(data, costs));

        // Executed at the close of session 21: σ over sessions 1..20, ADV $1m, trade $10m.
        var window = alternating[1..21];
        var mean = window.Average();
        var sigma = Math.Sqrt(window.Sum(r => (r - mean) * (r - mean)) / (window.Length - 1));
        var expectedCost = 0.0006 + (0.1 * sigma * Math.Sqrt(10e6 / 1e6));
        Assert.Equal(expectedCost, result.Trades.Single().Cost, 12);
        Assert.Equal(expectedCost, result.Costs[21], 12);
        Assert.Equal(-expectedCost, result.Returns[21], 12);

        // After paying from cash, the position is worth 1 / (1 - cost) of capital.
        Assert.Equal(1 / (1 - expectedCost), result.LongExposure[21], 12);
    }

    [Fact]
    public void A_delisting_return_is_earned_on_the_delisting_day_and_the_position_becomes_cash()
    {
        var (data, panel) = Market(5, [[0.0, 0.0, 0.0, 0.02, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]);
        var delisting = (double[])data.DelistingReturns.Clone();
        delisting[(3 * 2) + 0] = -0.30;
        var riskFree = new double[5];
        riskFree[4] = 0.001;
        var withDelisting = new BacktestData(panel, data.IntradayReturns, delisting, riskFree);
        var result = BacktestEngine.Run(withDelisting, new Scripted("hold", decideAt: 0, weights: [1.0, 0.0]), Settings(withDelisting));
        Assert.Equal((1.02 * 0.70) - 1, result.Returns[3], 12);
        Assert.Equal(0.0, result.LongExposure[3]);
        Assert.Equal(0.001, result.Returns[4], 12); // all cash, earning the risk-free rate
    }

    [Fact]
    public void Executing_at_the_open_earns_the_open_to_close_move_of_the_execution_day()
    {
        var (data, panel) = Market(3, [[0.0, 0.03, 0.0]]);
        var intraday = (double[])data.IntradayReturns.Clone();
        intraday[1] = 0.01; // day 1: 3% close-to-close of which 1% after the open
        var withOpen = new BacktestData(panel, intraday, data.DelistingReturns, data.RiskFree);
        var atOpen = BacktestEngine.Run(withOpen, new Scripted("all-in", decideAt: 0, weights: [1.0]), Settings(withOpen, execution: Execution.NextOpen));
        var atClose = BacktestEngine.Run(withOpen, new Scripted("all-in", decideAt: 0, weights: [1.0]), Settings(withOpen));
        Assert.Equal(0.01, atOpen.Returns[1], 12);
        Assert.Equal(0.0, atClose.Returns[1], 12);
    }

    [Fact]
    public void A_short_position_pays_the_borrow_fee_daily()
    {
        var (data, _) = Market(4, [[0.0, 0.0, 0.0, 0.0]]);
        var costs = CostModel.None with { BorrowBps = 252 };
        var result = BacktestEngine.Run(data, new Scripted("short", decideAt: 0, weights: [-1.0]), Settings(data, costs));
        Assert.Equal(-0.0001, result.Returns[2], 12);
        Assert.Equal(-1 / (1 - 0.0001), result.ShortExposure[2], 12); // the fee shrinks capital, so the short grows relative to it
    }

    private sealed class Peeking : IStrategy
    {
        public string Name => "peeking";

        public bool RebalancesOn(PointInTimeView view) => true;

        public double[] TargetWeights(PointInTimeView view) => [view.Return(view.Session + 1, 0) > 0 ? 1.0 : 0.0];
    }

    [Theory]
    [InlineData(Execution.NextClose)]
    [InlineData(Execution.NextOpen)]
    public void The_long_and_short_legs_add_up_to_the_gross_return_and_each_trade_carries_its_dollar_value(Execution execution)
    {
        // Eleven stocks (one vector's worth and a scalar tail), no cash interest or borrow fee: the legs are the whole
        // gross return. Longs 0-4, shorts 5-9, stock 10 never held; rebalanced at sessions 0 and 3. Every day moves
        // before and after the open (half of the close-to-close return after it).
        const int Sessions = 8;
        var random = new Research.Core.Randomness.DeterministicRandom(11);
        var returns = Enumerable.Range(0, 11).Select(_ => Enumerable.Range(0, Sessions).Select(t => t == 0 ? 0 : 0.02 * random.NextGaussian()).ToArray()).ToArray();
        for (var i = 0; i < 11; i++)
        {
            returns[i][6] = i < 5 ? 0 : 0.01; // session 6: longs flat, shorts up 1%
        }

        var (plain, panel) = Market(Sessions, returns);
        var data = new BacktestData(panel, [.. panel.Returns.Select(r => r / 2)], plain.DelistingReturns, plain.RiskFree);
        double[] first = [.. Enumerable.Range(0, 11).Select(i => i < 5 ? 0.2 : i < 10 ? -0.1 : 0)];
        double[] second = [.. Enumerable.Range(0, 11).Select(i => i < 5 ? 0.1 + (0.02 * i) : i < 10 ? -0.05 : 0)];
        var result = BacktestEngine.Run(data, new Rebalancing(new() { [0] = first, [3] = second }), Settings(data, execution: execution) with { Capital = 1e7 });

        for (var d = 0; d < Sessions; d++)
        {
            Assert.Equal(result.GrossReturns[d], result.LongContribution[d] + result.ShortContribution[d], 1e-14);
        }

        // Each security's dollars add up to the legs' dollars: Σ_i P&L_i = Σ_d (long + short)_d x the capital at the day's start.
        var capitalBefore = 1e7;
        var legDollars = 0.0;
        for (var d = 0; d < Sessions; d++)
        {
            legDollars += (result.LongContribution[d] + result.ShortContribution[d]) * capitalBefore;
            capitalBefore *= 1 + result.Returns[d];
        }

        Assert.Equal(legDollars, result.SecurityPnl.Sum(), 1e-6);

        // Realised P&L: the ten resized positions realise the share they shrank of what they had made; what is still
        // open plus everything realised is each security's P&L (nothing is realised twice or lost).
        var opened = result.Trades.Take(10).ToList();
        Assert.All(opened, t => Assert.Equal(0.0, t.Realized)); // opening trades realise nothing
        var realized = new double[11];
        foreach (var t in result.Trades)
        {
            realized[t.Asset] += t.Realized;
            var shrank = Math.Sign(t.Before) == Math.Sign(t.After) && Math.Abs(t.After) < Math.Abs(t.Before);
            Assert.True(shrank || t.Realized == 0, $"asset {t.Asset}: {t.Before} -> {t.After} realised {t.Realized}");
        }

        Assert.Contains(result.Trades.Skip(10), t => t.Realized != 0);
        Assert.Equal(0.0, result.SecurityPnl[10]); // never held
        Assert.Equal(0.0, result.LongContribution[6], 1e-14);
        Assert.Equal(result.ShortExposure[5] * 0.01, result.ShortContribution[6], 1e-14);
        Assert.True(result.ShortContribution[6] < 0);

        // A trade's value is (after − before) x the capital at the trade: $10m for the first (nothing held before); for
        // the second, at the close, the capital grown by every return so far, and at the open one amount for the day.
        Assert.Equal(20, result.Trades.Count); // ten names bought, then ten resized (drifted weights differ from the targets)
        Assert.All(result.Trades.Take(10), t => Assert.Equal(t.After * 1e7, t.Value, 6));
        var resized = result.Trades.Skip(10).ToList();
        var day = data.Dates.ToList().IndexOf(resized[0].Date);
        var capital = resized[0].Value / (resized[0].After - resized[0].Before);
        if (execution == Execution.NextClose)
        {
            Assert.Equal(1e7 * result.Returns[..(day + 1)].Aggregate(1.0, (w, r) => w * (1 + r)), capital, 6);
        }
        else
        {
            Assert.InRange(capital, 1e7 * result.Returns[..day].Aggregate(1.0, (w, r) => w * (1 + r)) * 0.9, 1e7 * 1.1);
        }

        Assert.All(resized, t => Assert.Equal(capital, t.Value / (t.After - t.Before), 6));
    }

    [Fact]
    public void Selling_half_a_position_realises_half_its_gain_and_closing_it_realises_the_rest()
    {
        // One stock: bought at the close of session 1 with all the capital, +10% on session 2, +4% on session 5; half
        // sold at the close of session 4, the rest at the close of session 6.
        var (data, _) = Market(8, [[0.0, 0.0, 0.10, 0.0, 0.0, 0.04, 0.0, 0.0]]);
        var plan = new Dictionary<int, double[]> { [0] = [1.0], [3] = [0.5], [5] = [0.0] };
        var result = BacktestEngine.Run(data, new Rebalancing(plan), Settings(data) with { Capital = 1e7 });

        var (buy, half, rest) = (result.Trades[0], result.Trades[1], result.Trades[2]);
        Assert.Equal(0.0, buy.Realized);
        Assert.Equal(0.5 * 1e6, half.Realized, 1e-6); // half of the 10% on $10m
        Assert.Equal((0.5 * 1e6) + (0.5 * 1.1e7 * 0.04), rest.Realized, 1e-6); // the other half, and the 4% on the $5.5m still held
        Assert.Equal(result.SecurityPnl[0], result.Trades.Sum(t => t.Realized), 1e-6); // closed: everything it made is realised
    }

    [Fact]
    public void A_trade_log_keeps_every_row_across_blocks()
    {
        var dates = NyseCalendar.Instance.Sessions(Start, Start.AddDays(40)).ToArray();
        var log = new TradeLog(dates);

        // Days of 5,000 trades: a day never straddles two blocks, so the third block starts before row 2 x 65,536.
        const int Day = 5000, Days = 30, Rows = Day * Days;
        for (var d = 0; d < Days; d++)
        {
            var rows = Enumerable.Range(d * Day, Day).ToArray();
            log.AddDay(d % dates.Length, 1000.0 * (d + 1), rows, [.. rows.Select(r => r * 0.5)], [.. rows.Select(r => r * 0.25)], [.. rows.Select(r => r * 1e-6)], [.. rows.Select(r => r * 2.0)]);
        }

        Assert.Equal(Rows, log.Count);
        foreach (var r in new[] { 0, BlockRows - 1, BlockRows, Rows - 1 })
        {
            Assert.Equal(new Trade(dates[r / Day % dates.Length], r, r * 0.5, r * 0.25, r * 1e-6, -r * 0.25 * 1000.0 * ((r / Day) + 1), r * 2.0), log[r]);
        }

        Assert.Equal(Enumerable.Range(0, Rows).ToArray(), log.AssetColumn());
        Assert.Equal(Enumerable.Range(0, Rows).Select(r => dates[r / Day % dates.Length]).ToArray(), log.DateColumn());
        Assert.Equal(Enumerable.Range(0, Rows).Select(r => -r * 0.25 * 1000.0 * ((r / Day) + 1)).ToArray(), log.ValueColumn());
        Assert.Equal(log.AssetColumn(), log.Select(t => t.Asset).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => log[Rows]);
    }

    [Fact]
    public void A_released_result_refuses_its_trades_and_the_next_run_on_reused_memory_records_the_same_rows()
    {
        var random = new Research.Core.Randomness.DeterministicRandom(3);
        var returns = Enumerable.Range(0, 13).Select(_ => Enumerable.Range(0, 30).Select(t => t == 0 ? 0 : 0.02 * random.NextGaussian()).ToArray()).ToArray();
        var (data, _) = Market(30, returns);
        var plan = Enumerable.Range(0, 29).ToDictionary(t => t, t => Enumerable.Range(0, 13).Select(i => (i + t) % 3 == 0 ? 0.1 : (i + t) % 3 == 1 ? -0.05 : 0).ToArray());
        BacktestResult Run() => BacktestEngine.Run(data, new Rebalancing(plan), Settings(data, new CostModel()));

        var first = Run();
        var (trades, positions) = (first.Trades.ToList(), first.Positions.Columns());
        first.Release();
        Assert.Throws<ObjectDisposedException>(() => first.Trades.AssetColumn());
        Assert.Throws<ObjectDisposedException>(() => first.Positions.Columns());

        // Another run in between leaves other rows in the pooled arrays; the next run must not read any of them.
        BacktestEngine.Run(data, new Rebalancing(plan.ToDictionary(p => p.Key, p => p.Value.Select(w => -w).ToArray())), Settings(data, new CostModel())).Release();
        var again = Run();
        Assert.Equal(trades, again.Trades.ToList());
        Assert.Equal(positions.Assets, again.Positions.Columns().Assets);
        Assert.Equal(positions.Weights, again.Positions.Columns().Weights);
        Assert.Equal(positions.Dates, again.Positions.Columns().Dates);
    }

    private const int BlockRows = 1 << 16;

    private sealed class Rebalancing(Dictionary<int, double[]> plan) : IStrategy
    {
        public string Name => "rebalancing";

        public bool RebalancesOn(PointInTimeView view) => plan.ContainsKey(view.Session);

        public double[] TargetWeights(PointInTimeView view) => (double[])plan[view.Session].Clone();
    }

    private sealed class Scripted(string name, int decideAt, double[] weights) : IStrategy
    {
        public string Name => name;

        public bool RebalancesOn(PointInTimeView view) => view.Session == decideAt;

        public double[] TargetWeights(PointInTimeView view) => (double[])weights.Clone();
    }
}
