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

    private sealed class Scripted(string name, int decideAt, double[] weights) : IStrategy
    {
        public string Name => name;

        public bool RebalancesOn(PointInTimeView view) => view.Session == decideAt;

        public double[] TargetWeights(PointInTimeView view) => (double[])weights.Clone();
    }
}
