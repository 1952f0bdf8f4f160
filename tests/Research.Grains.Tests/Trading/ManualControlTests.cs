using Microsoft.Extensions.Time.Testing;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Tests.Backtests;
using Research.Grains.Trading;
using Research.Trading.Breakers;

namespace Research.Grains.Tests.Trading;

/// <summary>Manual controls: previewed without change, applied only with a reason and a code, risk-reducing ones through a tripped breaker.</summary>
public sealed class ManualControlTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task Controls_preview_then_apply_with_a_code_and_a_flatten_goes_through_a_trip_that_blocks_a_growing_adjustment()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 14, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("controls"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var tickers = TradingCluster.Tickers(fixture.Layout, 2);
        var (a, b) = (tickers[0], tickers[1]);
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("ctl-1");
        await gateway.SubmitAsync(new OrderTicket("buy-a", a, TicketSide.Buy, 300));
        await gateway.SubmitAsync(new OrderTicket("buy-b", b, TicketSide.Buy, 200));
        await gateway.SubmitAsync(new OrderTicket("rest-a", a, TicketSide.Buy, 5, 0.01)); // a resting limit
        await gateway.SubmitAsync(new OrderTicket("rest-b", b, TicketSide.Buy, 5, 0.01));

        // Preview: the symbol's resting order cancelled and its position sold; nothing changes.
        var preview = await gateway.PreviewControlAsync(new ManualControl(ControlKind.Close, a));
        Assert.False(preview.Applied);
        Assert.Equal([("cancel", a, 5L), ("order", a, 300L)], preview.Effects.Select(e => (e.Action, e.Symbol, e.Quantity)));
        Assert.Equal(TicketSide.Sell, preview.Effects[1].Side);
        Assert.StartsWith($"close {a}: cancel 1 open order(s); sell 300 {a} at about ", preview.Summary, StringComparison.Ordinal);
        Assert.Equal(2, (await gateway.OrdersAsync(true, 10)).Length);

        // Applying needs a reason and the caller's current code; a refusal changes nothing.
        Assert.Contains("reason: say why", (await Assert.ThrowsAsync<ArgumentException>(() => gateway.ApplyControlAsync(new ManualControl(ControlKind.Close, a), " ", TradingCluster.Code))).Message, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.ApplyControlAsync(new ManualControl(ControlKind.Close, a), "reduce", "000000"));
        Assert.Equal("a manual control needs a current code from ops's authenticator; nothing was changed.", refused.Message);
        Assert.Equal(300, (await gateway.AccountAsync()).Positions.Single(p => p.Symbol == a).Quantity);
        Assert.Contains("symbol: close needs a symbol", (await Assert.ThrowsAsync<ArgumentException>(() => gateway.PreviewControlAsync(new ManualControl(ControlKind.Close)))).Message, StringComparison.Ordinal);
        Assert.Contains("target: adjust needs a target", (await Assert.ThrowsAsync<ArgumentException>(() => gateway.PreviewControlAsync(new ManualControl(ControlKind.Adjust, a)))).Message, StringComparison.Ordinal);

        // Adjust down by hand, then cancel a symbol's orders.
        var adjusted = await gateway.ApplyControlAsync(new ManualControl(ControlKind.Adjust, a, 100), "trim", TradingCluster.Code);
        Assert.True(adjusted.Applied);
        Assert.Equal(("cancelled", "cancelled by ops (adjust): trim"), (adjusted.Effects[0].Status, adjusted.Effects[0].Reason));
        Assert.Equal(("order", "ctl-1-" + a, "filled", 200L), (adjusted.Effects[1].Action, adjusted.Effects[1].ClientOrderId, adjusted.Effects[1].Status, adjusted.Effects[1].Quantity));
        Assert.Equal(100, (await gateway.AccountAsync()).Positions.Single(p => p.Symbol == a).Quantity);
        var again = await gateway.PreviewControlAsync(new ManualControl(ControlKind.Adjust, a, 100));
        Assert.Empty(again.Effects); // at the target: nothing to do
        Assert.EndsWith("nothing to do (no open order, no position to change).", again.Summary, StringComparison.Ordinal);

        // A tripped account breaker: growing a position is refused like any order; flattening goes through and says so.
        await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:ctl-1").TripAsync("drawdown review");
        var grow = await gateway.ApplyControlAsync(new ManualControl(ControlKind.Adjust, b, 400), "add", TradingCluster.Code);
        Assert.Equal(("rejected", "breaker account:ctl-1 is tripped: drawdown review"), (grow.Effects.Single(e => e.Action == "order").Status, grow.Effects.Single(e => e.Action == "order").Reason));
        var flat = await gateway.ApplyControlAsync(new ManualControl(ControlKind.Flatten), "risk exit", TradingCluster.Code);
        var exits = flat.Effects.Where(e => e.Action == "order").ToList();
        Assert.Equal([(a, 100L), (b, 200L)], exits.Select(e => (e.Symbol, e.Quantity)));
        Assert.All(exits, e => Assert.Equal(("filled", TicketSide.Sell, "breaker account:ctl-1 is tripped: drawdown review"), (e.Status, e.Side, e.ThroughBreaker)));
        var account = await gateway.AccountAsync();
        Assert.All(account.Positions, p => Assert.Equal(0, p.Quantity));
        Assert.Equal(0, account.OpenOrders);
    }

    [Fact]
    public async Task Only_an_operator_applies_a_control_and_a_researcher_may_preview()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 14, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("controls-roles"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("ctl-2");
        var researcher = new CallerIdentity("ann", Role.Researcher, "tests");
        Assert.False((await researcher.RunAsync(() => gateway.PreviewControlAsync(new ManualControl(ControlKind.Flatten)))).Applied);
        await Assert.ThrowsAsync<ActionDeniedException>(() => researcher.RunAsync(() => gateway.ApplyControlAsync(new ManualControl(ControlKind.Flatten), "x", TradingCluster.Code)));
    }
}
