using Research.Trading.Breakers;

namespace Research.Trading.Tests;

/// <summary>Breaker state changes, reset limits, scopes and the account rules, with the numbers worked by hand.</summary>
public sealed class BreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_trip_holds_until_a_reset_and_a_second_reset_within_a_minute_is_refused_and_recorded()
    {
        var book = new BreakerBook();
        Assert.True(book.Trip("ops", "manual", "halt: bad fills", T0));
        Assert.False(book.Trip("gateway", BreakerRules.Drawdown, "drawdown 12%", T0.AddSeconds(5))); // the first trip stays
        Assert.Equal(("ops", "halt: bad fills"), (book.TrippedBy, book.TrippedReason));

        book.Reset("ops", "fills checked", T0.AddSeconds(30));
        Assert.False(book.Tripped);
        var closed = Assert.Throws<BreakerResetRefusedException>(() => book.Reset("ops", "again", T0.AddSeconds(31)));
        Assert.Contains("not tripped", closed.Message, StringComparison.Ordinal);

        book.Trip("ops", "manual", "halt again", T0.AddSeconds(40));
        var soon = Assert.Throws<BreakerResetRefusedException>(() => book.Reset("ops", "retry", T0.AddSeconds(89)));
        Assert.Contains("one reset per minute at most (next from 09:31:30 UTC)", soon.Message, StringComparison.Ordinal);
        Assert.True(book.Tripped);
        book.Reset("ops", "retry", T0.AddSeconds(90)); // exactly a minute after the last reset
        Assert.False(book.Tripped);
        Assert.Equal(["trip", "trip", "reset", "reset-refused", "trip", "reset-refused", "reset"], book.History.Select(e => e.Action));
        Assert.Throws<BreakerResetRefusedException>(() => book.Reset("ops", " ", T0.AddHours(1)));
    }

    [Fact]
    public void Scopes_read_and_write_their_keys_and_an_order_is_covered_by_global_account_and_strategy()
    {
        Assert.Equal(["global", "account:paper", "strategy:alpha-v1"], BreakerScope.Of("paper", "alpha-v1").Select(s => s.Key));
        Assert.Equal(BreakerScope.Strategy("alpha-v1"), BreakerScope.Parse("strategy:alpha-v1"));
        Assert.Equal(BreakerScope.Global, BreakerScope.Parse("global"));
        Assert.Contains("is not 'global', 'strategy:NAME' or 'account:NAME'", Assert.Throws<ArgumentException>(() => BreakerScope.Parse("desk:1")).Message, StringComparison.Ordinal);
        Assert.Contains("account name 'Big Fund' must be", Assert.Throws<ArgumentException>(() => BreakerScope.Parse("account:Big Fund")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_rule_fires_past_its_limit_and_not_at_it()
    {
        var limits = new BreakerLimits(MaxDrawdown: 0.10, MaxDailyLoss: 0.03, MaxOrderErrorRate: 0.5, ErrorWindow: 4, MaxDataAge: TimeSpan.FromHours(30), MaxPositionFraction: 0.25);
        var quiet = new BreakerMetrics(Equity: 90, PeakEquity: 100, DayStartEquity: 92.78, RecentOrders: [true, true, false, false], LargestPosition: 22.5);
        Assert.Empty(BreakerRules.Evaluate(limits, quiet)); // 10% down exactly, 2.99% on the day, 2 of 4 rejected, 25% exactly

        var loud = new BreakerMetrics(Equity: 89, PeakEquity: 100, DayStartEquity: 92, RecentOrders: [true, true, true], LargestPosition: 30);
        var trips = BreakerRules.Evaluate(limits, loud);
        Assert.Equal([BreakerRules.Drawdown, BreakerRules.DailyLoss, BreakerRules.PositionLimit], trips.Select(t => t.Rule)); // 3 orders: fewer than the window, not judged
        Assert.Contains("equity 89.00 is 11.00% below its peak 100.00, past the 10.00% limit", trips[0].Reason, StringComparison.Ordinal);
        Assert.Contains("3.26% below the day's start 92.00", trips[1].Reason, StringComparison.Ordinal);

        var errors = BreakerRules.Evaluate(limits, quiet with { RecentOrders = [false, true, true, false, true] });
        Assert.Equal(BreakerRules.OrderErrors, Assert.Single(errors).Rule);
        Assert.Contains("3 of the last 4 orders were rejected (75%)", errors[0].Reason, StringComparison.Ordinal);

        Assert.Null(BreakerRules.Stale(limits, "AAA", T0, T0.AddHours(30)));
        Assert.Contains("the price of AAA is from 2026-12-03 09:30 UTC, older than the 30 h limit", BreakerRules.Stale(limits, "AAA", T0, T0.AddHours(31))!.Reason, StringComparison.Ordinal);
        Assert.Empty(BreakerRules.Evaluate(BreakerLimits.None, loud));
        Assert.Equal(2, new BreakerLimits(MaxDrawdown: 1.5, ErrorWindow: 0).Problems().Count);
    }
}
