using Research.Analytics.Execution;
using Research.Analytics.Microstructure;
using Research.Testing;

namespace Research.Analytics.Tests.Execution;

/// <summary>
/// Implementation shortfall reproduces published worked examples: the CFA Institute curriculum's buy of 1,000 shares
/// decided at a $10.00 close (700 filled a day later at $10.00 after a $10.05 close, $0.02 a share of commission, the rest
/// cancelled at $10.08: delay 0.35%, realized −0.35%, missed trade 0.24%, commission 0.14%, total 0.38%, $38); the same
/// exercise at $40 (0.0425%, 0.0175%, 0.07%, 0.06%: 0.19%); and a sale of 50,000 shares decided at $43.00, placed at
/// $41.00 and filled at $40.25 with $0.05 a share (a shortfall of $2.80 a share).
/// </summary>
public sealed class ImplementationShortfallTests
{
    [Fact]
    public void The_curriculum_buy_with_a_delay_a_partial_fill_and_a_cancellation()
    {
        var order = new ParentOrder("IR", "IMPR", ExecutionSide.Buy, 1_000, 10.00, 10.08);
        var s = ImplementationShortfall.Measure(order, [new ChildFill("IR", new DateOnly(2024, 3, 6), null, 700, 10.00, 14, 10.05)]);
        Assert.Equal(10_000, s.PaperInvestment, 9);
        Assert.Equal(0.0014, s.Fraction(s.ExplicitCost), 12);
        Assert.Equal(0.0035, s.Fraction(s.DelayCost), 12);
        Assert.Equal(-0.0035, s.Fraction(s.TradingCost), 12);
        Assert.Equal(0.0024, s.Fraction(s.OpportunityCost), 12);
        Assert.Equal(0.0038, s.Fraction(s.Total), 12);

        // The definition: the paper portfolio's gain (1,000 × (10.08 − 10.00) = $80) minus the real one's (700 × 10.08 − 7,000 − 14 = $42).
        Assert.Equal(80 - 42, s.Total, 9);
        Assert.Equal(0.7, s.FillRate, 12);
    }

    [Fact]
    public void The_same_exercise_at_forty_dollars()
    {
        var order = new ParentOrder("A", "XYZ", ExecutionSide.Buy, 1_000, 40.00, 40.08);
        var s = ImplementationShortfall.Measure(order, [new ChildFill("A", new DateOnly(2024, 3, 6), null, 700, 40.05, 17, 40.04)]);
        Assert.Equal(0.000425, s.Fraction(s.ExplicitCost), 12);
        Assert.Equal(0.000175, s.Fraction(s.TradingCost), 12);
        Assert.Equal(0.0007, s.Fraction(s.DelayCost), 12);
        Assert.Equal(0.0006, s.Fraction(s.OpportunityCost), 12);
        Assert.Equal(0.0019, s.Fraction(s.Total), 12);
    }

    [Fact]
    public void A_sale_after_the_price_fell_before_the_order_reached_the_market()
    {
        var order = new ParentOrder("TRP", "TRP", ExecutionSide.Sell, 50_000, 43.00, null);
        var s = ImplementationShortfall.Measure(order, [new ChildFill("TRP", new DateOnly(2024, 3, 6), new TimeOnly(10, 31), 50_000, 40.25, 2_500, 41.00)]);
        Assert.Equal(2.80, s.Total / 50_000, 12);
        Assert.Equal(100_000, s.DelayCost, 6); // 43.00 to 41.00 before the desk placed it
        Assert.Equal(37_500, s.TradingCost, 6);
        Assert.Equal(0, s.OpportunityCost);
        Assert.Equal(140_000 / 2_150_000.0, s.Fraction(s.Total), 12);

        // Aggregation: dollars add, fractions of the summed paper investment.
        var buy = ImplementationShortfall.Measure(new ParentOrder("IR", "IMPR", ExecutionSide.Buy, 1_000, 10.00, 10.08), [new ChildFill("IR", new DateOnly(2024, 3, 6), null, 700, 10.00, 14, 10.05)]);
        var total = ImplementationShortfall.Aggregate([s, buy]);
        Assert.Equal(140_038, total.Total, 6);
        Assert.Equal(2_160_000, total.Investment, 6);
    }

    [Fact]
    public void Inconsistent_orders_are_refused_by_name()
    {
        var order = new ParentOrder("B", "XYZ", ExecutionSide.Buy, 1_000, 10, null);
        var fill = new ChildFill("B", new DateOnly(2024, 3, 6), null, 600, 10.01, 0, 10);
        Assert.Contains("400 shares were not filled", Assert.Throws<ArgumentException>(() => ImplementationShortfall.Measure(order, [fill])).Message, StringComparison.Ordinal);
        Assert.Contains("1200 shares filled, more than the 1000 ordered", Assert.Throws<ArgumentException>(() => ImplementationShortfall.Measure(order, [fill, fill])).Message, StringComparison.Ordinal);
        Assert.Contains("A fill of order C", Assert.Throws<ArgumentException>(() => ImplementationShortfall.Measure(order, [fill with { Order = "C" }])).Message, StringComparison.Ordinal);
        Assert.Contains("positive shares", Assert.Throws<ArgumentException>(() => ImplementationShortfall.Measure(order, [fill with { Price = double.NaN }])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrival_vwap_and_twap_of_a_lobster_interval_equal_a_second_computation()
    {
        var day = LobsterDay.Read(Path.Combine(TestEnvironment.RequireRealData(), "lobster", "AAPL_2012-06-21_34200000_57600000_message_1.csv"));
        var (from, to) = (36_000.0, 36_600.0);
        var b = ExecutionBenchmarks.FromTicks(day.Events, from, to);

        // VWAP and volume straight from the executions; arrival from the last book at or before From; TWAP by sampling
        // the midquote every millisecond.
        var executions = day.Events.Where(e => e.IsExecution && e.Time >= from && e.Time <= to && e.Size > 0).ToList();
        Assert.Equal(executions.Sum(e => (long)e.Size), b.MarketVolume);
        Assert.Equal(executions.Sum(e => e.Size * e.Price) / executions.Sum(e => e.Size), b.Vwap, 10);
        Assert.Equal(day.Events.Last(e => e.Time <= from).Mid!.Value, b.Arrival, 12);
        var (k, sum, n) = (0, 0.0, 0);
        for (var t = from + 0.0005; t < to; t += 0.001)
        {
            while (k + 1 < day.Events.Count && day.Events[k + 1].Time <= t)
            {
                k++;
            }

            sum += day.Events[k].Mid!.Value;
            n++;
        }

        Assert.Equal(sum / n, b.Twap, 4);
        Assert.True(executions.Count > 100, $"{executions.Count} executions in ten minutes");
        Assert.Equal(-ExecutionBenchmarks.SlippageBps(ExecutionSide.Sell, 101, 100), ExecutionBenchmarks.SlippageBps(ExecutionSide.Buy, 101, 100), 12);
        Assert.Equal(100, ExecutionBenchmarks.SlippageBps(ExecutionSide.Buy, 101, 100), 9);
    }
}
