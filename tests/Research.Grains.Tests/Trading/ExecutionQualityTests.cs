using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Research.Analytics.Execution;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.ExecutionQuality;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Tests.Backtests;
using Research.Grains.Trading;
using Research.Trading.Breakers;

namespace Research.Grains.Tests.Trading;

/// <summary>
/// Execution quality of a paper account: the gateway's orders and fills, each order's decision price the CRSP close of the
/// last session on or before its day; the view equals <see cref="ImplementationShortfall"/> on those inputs; an order
/// resting unfilled counts only when cancelled (its shares missed, valued at the close).
/// </summary>
public sealed class ExecutionQualityTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task A_paper_accounts_shortfall_is_measured_against_the_CRSP_close_of_the_order_day()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 14, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("execution-quality"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var tickers = TradingCluster.Tickers(fixture.Layout, 2);
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("paper-eq");
        await gateway.SubmitAsync(new OrderTicket("buy-a", tickers[0], TicketSide.Buy, 400));
        await gateway.SubmitAsync(new OrderTicket("buy-b", tickers[1], TicketSide.Buy, 200));
        await gateway.SubmitAsync(new OrderTicket("sell-b", tickers[1], TicketSide.Sell, 100));
        await gateway.SubmitAsync(new OrderTicket("short-b", tickers[1], TicketSide.Sell, 10_000)); // more than held: rejected, not analysed
        await gateway.SubmitAsync(new OrderTicket("rest-a", tickers[0], TicketSide.Buy, 50, 0.01)); // rests unfilled
        await gateway.CancelAsync("rest-a", "tests");

        var view = await cluster.Client.GetGrain<IExecutionQualityGrain>(0).AnalyzeAsync(new ExecutionQualityRequest("account", null, null, "paper-eq"));
        var orders = await gateway.OrdersAsync(false, 100);
        var fills = await gateway.FillsAsync(0, 100);
        Assert.Equal(["buy-a", "buy-b", "rest-a", "sell-b"], view.Orders.Select(o => o.Order).Order(StringComparer.Ordinal));

        double Close(string ticker)
        {
            using var session = WarehouseQuerySession.Open(fixture.Layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily", "crsp/names"]);
            using var command = session.CreateTrustedCommand($"SELECT abs(d.prc) FROM crsp.daily d JOIN crsp.names n USING (permno) WHERE n.ticker = '{ticker}' AND d.date <= DATE '2025-01-02' AND d.prc IS NOT NULL ORDER BY d.date DESC LIMIT 1");
            return Convert.ToDouble(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var expected = orders.Where(o => o.Filled > 0 || o.Status == "cancelled").Select(o => ImplementationShortfall.Measure(
            new ParentOrder(o.Ticket.ClientOrderId, o.Ticket.Symbol, o.Ticket.Side == TicketSide.Buy ? ExecutionSide.Buy : ExecutionSide.Sell, o.Ticket.Quantity, Close(o.Ticket.Symbol),
                o.Filled < o.Ticket.Quantity ? Close(o.Ticket.Symbol) : null),
            [.. fills.Where(f => f.ClientOrderId == o.Ticket.ClientOrderId).Select(f => new ChildFill(f.ClientOrderId, new DateOnly(2025, 1, 2), null, f.Quantity, f.Price, f.Cost, Close(o.Ticket.Symbol)))])).ToList();
        foreach (var e in expected)
        {
            var shown = view.Orders.Single(o => o.Order == e.Order.Id);
            Assert.Equal(e.Order.DecisionPrice, shown.DecisionPrice);
            Assert.Equal(e.Fraction(e.Total) * 1e4, shown.TotalBps, 9);
            Assert.Equal(e.Fraction(e.ExplicitCost) * 1e4, shown.ExplicitBps, 9);
        }

        var rested = view.Orders.Single(o => o.Order == "rest-a");
        Assert.Equal(0, rested.Filled);
        Assert.Equal(0, rested.OpportunityBps, 9); // cancelled on the decision day: the close has not moved
        Assert.True(view.Orders.Single(o => o.Order == "buy-a").ExplicitBps > 0, "the paper broker charges costs");
        var total = ImplementationShortfall.Aggregate(expected);
        Assert.Equal(total.Total / total.Investment * 1e4, view.TotalBps, 9);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.GetGrain<IExecutionQualityGrain>(0).AnalyzeAsync(new ExecutionQualityRequest("account", null, null, "no-orders-here")));
        Assert.Contains("no filled or cancelled order", error.Message, StringComparison.Ordinal);
    }
}
