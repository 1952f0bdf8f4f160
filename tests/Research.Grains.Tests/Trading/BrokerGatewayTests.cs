using Microsoft.Extensions.Time.Testing;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Tests.Backtests;
using Research.Grains.Trading;
using Research.Testing;
using Research.Trading.Breakers;
using Research.Trading.Brokers;

namespace Research.Grains.Tests.Trading;

/// <summary>An account traded at Alpaca (the local stand-in) through its gateway: orders, fills, outages, trips, reconciliation.</summary>
public sealed class BrokerGatewayTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task An_Alpaca_account_sends_each_order_once_books_its_fills_rides_out_an_outage_cancels_on_a_trip_and_reconciles()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 14, 0, 0, TimeSpan.Zero));
        await using var stub = new AlpacaStub(cash: 50_000);
        var options = new TradingOptions
        {
            Limits = BreakerLimits.None,
            Alpaca = new Dictionary<string, AlpacaSettings> { ["alp"] = new(stub.Address, AlpacaStub.KeyId, AlpacaStub.Secret) },
        };
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("alpaca"), clock, options);
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("alp");
        Assert.Equal(50_000, (await gateway.AccountAsync()).Cash); // the broker's cash, not the paper default

        // Sent once: the retry of a submit is answered from the gateway, and Alpaca holds one order.
        var ticket = new OrderTicket("a-1", "AAPL", TicketSide.Buy, 100);
        var sent = await gateway.SubmitAsync(ticket);
        Assert.Equal(("open", 0L, (string?)null), (sent.Status, sent.Filled, sent.Reason));
        Assert.Equal(sent, await gateway.SubmitAsync(ticket));
        Assert.Equal(1, stub.Count("POST /v2/orders"));

        // Fills are read from the broker's cumulative quantity and average price.
        stub.FillOrder("a-1", 40, 10.00);
        Assert.Equal(("partially-filled", 40L), (await gateway.WorkAsync()).Select(o => (o.Status, o.Filled)).Single());
        stub.FillOrder("a-1", 60, 10.10);
        Assert.Equal(("filled", 100L), (await gateway.WorkAsync()).Select(o => (o.Status, o.Filled)).Single());
        var fills = await gateway.FillsAsync(0, 10);
        Assert.Equal([(40L, 10.00), (60L, 10.10)], fills.Select(f => (f.Quantity, Math.Round(f.Price, 9))));
        var account = await gateway.AccountAsync();
        Assert.Equal(100, account.Positions.Single().Quantity);
        Assert.Equal(50_000 - 1_006, account.Cash, 6);

        // A refusal the broker states is a rejection with its message.
        stub.Fail("POST", 403, """{"code":40310000,"message":"insufficient buying power"}""");
        var refused = await gateway.SubmitAsync(new OrderTicket("r-1", "AAPL", TicketSide.Buy, 1_000_000));
        Assert.Equal("rejected", refused.Status);
        Assert.Contains("insufficient buying power", refused.Reason, StringComparison.Ordinal);

        // An outage: the order is kept open with the reason and sent by the next work, once.
        stub.Fail("POST", 500);
        var waiting = await gateway.SubmitAsync(new OrderTicket("b-1", "AAPL", TicketSide.Sell, 30, 10.5));
        Assert.Equal("open", waiting.Status);
        Assert.Contains("waiting for alpaca", waiting.Reason, StringComparison.Ordinal);
        Assert.Contains("500", waiting.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(stub.Orders, o => (string?)o["client_order_id"] == "b-1");
        await gateway.WorkAsync();
        Assert.Single(stub.Orders, o => (string?)o["client_order_id"] == "b-1");
        Assert.Null((await gateway.OrdersAsync(true, 10)).Single().Reason);

        // A trip cancels the open order at the broker, and the gateway records it only once the broker confirms.
        stub.Fail("GET", 503); // the first attempt of the cancel cannot reach Alpaca
        await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:alp").TripAsync("broker review");
        var pending = await Eventually.UntilAsync(() => gateway.OrdersAsync(false, 10), o => o.Single(x => x.Ticket.ClientOrderId == "b-1").Reason is not null,
            "the trip to reach the gateway", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("open", pending.Single(x => x.Ticket.ClientOrderId == "b-1").Status);
        Assert.Contains("cancel not yet confirmed by alpaca", pending.Single(x => x.Ticket.ClientOrderId == "b-1").Reason, StringComparison.Ordinal);
        await gateway.WorkAsync();
        var cancelled = (await gateway.OrdersAsync(false, 10)).Single(x => x.Ticket.ClientOrderId == "b-1");
        Assert.Equal("cancelled", cancelled.Status);
        Assert.StartsWith("breaker account:alp tripped: broker review", cancelled.Reason, StringComparison.Ordinal);
        Assert.Equal("canceled", (string?)stub.Orders.Single(o => (string?)o["client_order_id"] == "b-1")["status"]);
        Assert.Equal(1, stub.Count("DELETE /v2/orders/"));

        // Reconciliation: matched, then a position moved at the broker behind the gateway's back is named.
        var matched = await gateway.ReconcileAsync();
        Assert.True(matched.Matched, string.Join("; ", matched.Breaks.Select(b => b.ToString())));
        Assert.Equal(("alpaca", 1), (matched.Against, matched.Symbols));
        stub.Adjust("AAPL", -5);
        var broken = await gateway.ReconcileAsync();
        Assert.False(broken.Matched);
        Assert.Equal(new PositionBreakView("AAPL", 100, 95, -5), Assert.Single(broken.Breaks));
        stub.Fail("GET", 500);
        Assert.Contains("could not be asked", (await gateway.ReconcileAsync()).Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(stub.Requests, r => r.Contains(AlpacaStub.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_paper_account_reconciles_its_book_against_the_positions_its_fills_add_up_to()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 14, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("paper-reconcile"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var tickers = TradingCluster.Tickers(fixture.Layout, 2);
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("paper-rec");
        await gateway.SubmitAsync(new OrderTicket("p-1", tickers[0], TicketSide.Buy, 200));
        await gateway.SubmitAsync(new OrderTicket("p-2", tickers[1], TicketSide.Buy, 100));
        await gateway.SubmitAsync(new OrderTicket("p-3", tickers[0], TicketSide.Sell, 50));
        var view = await gateway.ReconcileAsync();
        Assert.True(view.Matched);
        Assert.Equal(("fills", 2), (view.Against, view.Symbols));
    }
}
