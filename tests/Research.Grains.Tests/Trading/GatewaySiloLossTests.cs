using Microsoft.Extensions.Time.Testing;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Client;
using Research.Grains.Tests.Backtests;
using Research.Grains.Trading;
using Research.Trading.Breakers;

namespace Research.Grains.Tests.Trading;

/// <summary>The silo hosting an account's gateway is killed while a client streams orders to it.</summary>
public sealed class GatewaySiloLossTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task Killing_the_gateways_silo_mid_stream_loses_no_order_duplicates_none_and_the_positions_reconcile()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 14, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(3, fixture.Layout, fixture.Scratch("kill"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var tickers = TradingCluster.Tickers(fixture.Layout, 3);
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("kill-test");
        var victim = (await gateway.AccountAsync()).Silo;
        var log = new List<string>();
        var rideThrough = new ClusterRideThrough(line => { lock (log) { log.Add(line); } }, TimeProvider.System);
        const int Orders = 60;
        var sent = 0;
        var stream = Task.Run(async () =>
        {
            for (var i = 0; i < Orders; i++)
            {
                // A retry after a cluster fault sends the same client order id: the gateway must not make a second order.
                var ticket = new OrderTicket($"k-{i}", tickers[i % 3], TicketSide.Buy, 10 + i);
                var view = await rideThrough.CallAsync(() => gateway.SubmitAsync(ticket), $"order k-{i}", TestContext.Current.CancellationToken);
                Assert.Equal(ticket, view.Ticket);
                Interlocked.Increment(ref sent);
            }
        }, TestContext.Current.CancellationToken);

        await Research.Testing.Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref sent)), n => n >= 20, "20 orders sent", cancellationToken: TestContext.Current.CancellationToken);
        var sentAtKill = Volatile.Read(ref sent);
        Assert.False(stream.IsCompleted, "the stream was still sending when the silo was killed");
        await cluster.KillSiloAsync(cluster.Silos.First(s => s.SiloAddress.ToParsableString() == victim));
        await stream;

        var account = await gateway.AccountAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"gateway on {victim} killed after {sentAtKill} orders, on {account.Silo} after; ride-through: {string.Join(" | ", log)}");
        Assert.NotEqual(victim, account.Silo);
        var orders = await gateway.OrdersAsync(false, 1000);
        Assert.Equal(Enumerable.Range(0, Orders).Select(i => $"k-{i}").Order(), orders.Select(o => o.Ticket.ClientOrderId).Order());
        Assert.All(orders, o => Assert.Equal(("filled", o.Ticket.Quantity), (o.Status, o.Filled)));
        var fills = await gateway.FillsAsync(0, 1000);
        Assert.Equal(Orders, fills.Length);
        Assert.Equal(Orders, fills.Select(f => f.ClientOrderId).Distinct().Count());
        foreach (var position in account.Positions)
        {
            Assert.Equal(fills.Where(f => f.Symbol == position.Symbol).Sum(f => f.Quantity), position.Quantity);
        }

        Assert.Equal(1_000_000 - fills.Sum(f => (f.Quantity * f.Price) + f.Cost), account.Cash, 6);
    }
}
