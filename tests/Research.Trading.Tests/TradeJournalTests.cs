using Research.Trading.Journal;

namespace Research.Trading.Tests;

/// <summary>Round trips and win/loss figures on trades small enough to follow by hand.</summary>
public sealed class TradeJournalTests
{
    private static readonly DateTimeOffset Day = new(2024, 3, 1, 15, 0, 0, TimeSpan.Zero);

    private static List<JournalTrade> Fills(string security, params (int Day, double Quantity, double Price, double Cost)[] fills)
    {
        var position = 0.0;
        return [.. fills.Select((f, i) => new JournalTrade($"{security}-{i + 1}", "account:desk", "mom", Day.AddDays(f.Day), security, f.Quantity, f.Price, f.Cost, null, position += f.Quantity))];
    }

    [Fact]
    public void Fills_make_round_trips_valued_by_their_cash_flows_and_a_crossing_trade_is_split_at_zero()
    {
        // AAA: buy 100 @ 10 and 50 @ 12, sell 150 @ 11: cash 1650 - 1600 = 50, costs 3, P&L 47 over 5 days. Then short 100
        // @ 11; buy 200 @ 9 crosses zero: the short's half of it (100 @ 9, cost 1 of 2) closes it, 1100 - 900 - 2 = 198;
        // the other half opens a long, sold at 10: 1000 - 900 - 2 = 98.
        var trades = Fills("AAA", (0, 100, 10, 1), (2, 50, 12, 1), (5, -150, 11, 1), (6, -100, 11, 1), (8, 200, 9, 2), (9, -100, 10, 1));
        trades.AddRange(Fills("BBB", (1, 10, 100, 0), (3, -10, 90, 0))); // a loss of 100
        var trips = TradeJournal.RoundTrips(trades);
        var aaa = trips.Where(t => t.Security == "AAA").ToList();
        Assert.Equal([47.0, 198.0, 98.0], aaa.Select(t => Math.Round(t.Pnl, 10)));
        Assert.Equal([true, false, true], aaa.Select(t => t.IsLong));
        Assert.Equal([5.0, 2.0, 1.0], aaa.Select(t => t.HoldingDays!.Value));
        Assert.Equal(["AAA-4", "AAA-5"], aaa[1].TradeKeys);
        Assert.Equal(["AAA-5", "AAA-6"], aaa[2].TradeKeys);

        var summary = TradeJournal.Summarise(trips);
        Assert.Equal((4, 0, 3, 1), (summary.Closed, summary.Open, summary.Wins, summary.Losses));
        Assert.Equal(0.75, summary.HitRate, 15);
        Assert.Equal(343.0 / 3, summary.AverageWin, 12);
        Assert.Equal(-100, summary.AverageLoss, 12);
        Assert.Equal(343.0 / 3 / 100, summary.PayoffRatio, 12);
        Assert.Equal(3.43, summary.ProfitFactor, 12);
        Assert.Equal(243, summary.TotalPnl, 10);
        Assert.Equal((198, -100), (summary.LargestWin, summary.LargestLoss));
        Assert.Equal(2.0, summary.MedianHoldingDays, 15); // 1, 2, 2, 5
    }

    [Fact]
    public void A_backtests_realised_pnl_values_its_trips_and_an_open_trip_is_not_counted()
    {
        // Weights 0 -> 0.1 -> 0.05 -> 0, realising 30 then 20 dollars, a dollar of cost each: 50 - 3 = 47.
        JournalTrade T(string key, int day, double before, double after, double? realized) => new(key, "backtest:bt-1", "momentum", Day.AddDays(day), "10001", after - before, 20, 1, realized, after);
        var trips = TradeJournal.RoundTrips([T("a", 0, 0, 0.1, 0), T("b", 1, 0.1, 0.05, 30), T("c", 4, 0.05, 0, 20), T("d", 6, 0, -0.02, 0)]);
        Assert.Equal(2, trips.Count);
        Assert.Equal(47, trips[0].Pnl, 12);
        Assert.Null(trips[1].Closed);
        Assert.False(trips[1].IsLong);
        var summary = TradeJournal.Summarise(trips);
        Assert.Equal((1, 1), (summary.Closed, summary.Open));
        Assert.True(double.IsNaN(summary.PayoffRatio) && double.IsNaN(summary.ProfitFactor));
    }

    [Fact]
    public void The_histogram_spans_the_values_with_equal_bins()
    {
        var (edges, counts) = TradeJournal.Histogram([-100, 47, 98, 198], 4);
        Assert.Equal([-100, -25.5, 49, 123.5, 198], edges);
        Assert.Equal([1, 1, 1, 1], counts);
        var (sameEdges, sameCounts) = TradeJournal.Histogram([5, 5], 3);
        Assert.Equal([5.0, 5.0], sameEdges);
        Assert.Equal([2], sameCounts);
        Assert.Empty(TradeJournal.Histogram([], 3).Counts);
    }
}
