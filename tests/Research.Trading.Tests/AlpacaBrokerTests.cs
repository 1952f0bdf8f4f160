using System.Net;
using System.Net.Sockets;
using Research.Testing;
using Research.Trading.Brokers;
using Research.Trading.Orders;

namespace Research.Trading.Tests;

/// <summary>The Alpaca adapter against the local stand-in: its request shapes, idempotent submits, refusals and outages.</summary>
public sealed class AlpacaBrokerTests
{
    private static (AlpacaBroker Broker, HttpClient Http) Connect(AlpacaStub stub, string secret = AlpacaStub.Secret)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return (new AlpacaBroker(http, new AlpacaSettings(stub.Address, AlpacaStub.KeyId, secret)), http);
    }

    [Fact]
    public async Task An_order_goes_out_in_Alpacas_shape_and_its_fills_come_back_as_cumulative_quantity_and_average_price()
    {
        await using var stub = new AlpacaStub();
        var (broker, http) = Connect(stub);
        using var _ = http;
        var ct = TestContext.Current.CancellationToken;

        var sent = await broker.SubmitAsync(new OrderRequest("a-1", "AAPL", OrderSide.Buy, 100, 187.5), ct);
        Assert.Equal(("a-1", "AAPL", BrokerOrderStatus.Accepted, 0L), (sent.ClientOrderId, sent.Symbol, sent.Status, sent.FilledQuantity));
        var held = Assert.Single(stub.Orders);
        Assert.Equal(("100", "buy", "limit", "day", "187.5"), ((string?)held["qty"], (string?)held["side"], (string?)held["type"], (string?)held["time_in_force"], (string?)held["limit_price"]));

        stub.FillOrder("a-1", 40, 187.0);
        stub.FillOrder("a-1", 60, 187.5);
        var filled = await broker.FindAsync("a-1", ct);
        Assert.Equal((BrokerOrderStatus.Filled, 100L), (filled!.Status, filled.FilledQuantity));
        Assert.Equal(((40 * 187.0) + (60 * 187.5)) / 100, filled.AverageFillPrice, 9);
        Assert.Null(await broker.FindAsync("never-sent", ct));

        var position = Assert.Single(await broker.PositionsAsync(ct));
        Assert.Equal(("AAPL", 100L), (position.Symbol, position.Quantity));
        var balance = await broker.BalanceAsync(ct);
        Assert.Equal(100_000 - ((40 * 187.0) + (60 * 187.5)), balance.Cash, 6);
    }

    [Fact]
    public async Task A_resubmit_with_the_same_client_order_id_returns_the_order_already_there_and_makes_no_second()
    {
        await using var stub = new AlpacaStub();
        var (broker, http) = Connect(stub);
        using var _ = http;
        var request = new OrderRequest("dup-1", "MSFT", OrderSide.Buy, 10);
        var first = await broker.SubmitAsync(request, TestContext.Current.CancellationToken);
        var again = await broker.SubmitAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(first.BrokerOrderId, again.BrokerOrderId);
        Assert.Single(stub.Orders);
        Assert.Equal(2, stub.Count("POST /v2/orders"));
    }

    [Fact]
    public async Task Refusals_come_back_as_rejected_orders_with_Alpacas_message_and_outages_as_unavailable_naming_the_status()
    {
        await using var stub = new AlpacaStub();
        var (broker, http) = Connect(stub);
        using var _ = http;
        var ct = TestContext.Current.CancellationToken;

        stub.Fail("POST", 403, """{"code":40310000,"message":"insufficient buying power"}""");
        var refused = await broker.SubmitAsync(new OrderRequest("r-1", "AAPL", OrderSide.Buy, 1_000_000), ct);
        Assert.Equal(BrokerOrderStatus.Rejected, refused.Status);
        Assert.Contains("insufficient buying power", refused.Reason, StringComparison.Ordinal);

        stub.Fail("POST", 500);
        var down = await Assert.ThrowsAsync<BrokerUnavailableException>(() => broker.SubmitAsync(new OrderRequest("r-2", "AAPL", OrderSide.Buy, 1), ct));
        Assert.Contains("500", down.Message, StringComparison.Ordinal);
        stub.Fail("GET", 429, """{"message":"rate limit exceeded"}""");
        Assert.Contains("429", (await Assert.ThrowsAsync<BrokerUnavailableException>(() => broker.PositionsAsync(ct))).Message, StringComparison.Ordinal);
        stub.Fail("GET", 200, """{"symbol":"AAPL","status":"new"""); // truncated JSON
        Assert.Contains("not JSON", (await Assert.ThrowsAsync<BrokerUnavailableException>(() => broker.FindAsync("r-2", ct))).Message, StringComparison.Ordinal);
        Assert.Empty(stub.Orders);

        var (wrongKey, http2) = Connect(stub, secret: "wrong");
        using var __ = http2;
        var unauthorised = await Assert.ThrowsAsync<BrokerUnavailableException>(() => wrongKey.BalanceAsync(ct));
        Assert.Contains("401", unauthorised.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", unauthorised.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AlpacaStub.Secret, new AlpacaSettings(stub.Address, AlpacaStub.KeyId, AlpacaStub.Secret).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_unavailable_and_a_cancel_ends_the_order_at_the_broker()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, not listening: connections are refused
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var nowhere = new AlpacaBroker(http, new AlpacaSettings(new Uri($"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}/"), "k", "s"));
        var refused = await Assert.ThrowsAsync<BrokerUnavailableException>(() => nowhere.SubmitAsync(new OrderRequest("c-1", "AAPL", OrderSide.Buy, 1), TestContext.Current.CancellationToken));
        Assert.Contains("could not be reached", refused.Message, StringComparison.Ordinal);

        await using var stub = new AlpacaStub();
        var (broker, http2) = Connect(stub);
        using var _ = http2;
        await broker.SubmitAsync(new OrderRequest("c-2", "AAPL", OrderSide.Sell, 5), TestContext.Current.CancellationToken);
        stub.FillOrder("c-2", 2, 100);
        var cancelled = await broker.CancelAsync("c-2", TestContext.Current.CancellationToken);
        Assert.Equal((BrokerOrderStatus.Cancelled, 2L), (cancelled!.Status, cancelled.FilledQuantity));
        Assert.Equal(1, stub.Count("DELETE /v2/orders/"));
        Assert.Equal(cancelled, await broker.CancelAsync("c-2", TestContext.Current.CancellationToken)); // already ended: no second DELETE
        Assert.Equal(1, stub.Count("DELETE /v2/orders/"));
    }

    [Fact]
    public void Settings_refuse_plain_http_off_this_machine_and_statuses_map_as_Alpaca_documents_them()
    {
        Assert.Contains("https", new AlpacaSettings(new Uri("http://broker.example.com/"), "k", "s").Problem(), StringComparison.Ordinal);
        Assert.Null(new AlpacaSettings(new Uri("https://paper-api.alpaca.markets/"), "k", "s").Problem());
        Assert.Contains("SecretKey", new AlpacaSettings(new Uri("https://paper-api.alpaca.markets/"), "k", " ").Problem(), StringComparison.Ordinal);
        Assert.Equal(BrokerOrderStatus.Accepted, AlpacaBroker.Status("pending_cancel"));
        Assert.Equal(BrokerOrderStatus.Cancelled, AlpacaBroker.Status("expired"));
        Assert.Equal(BrokerOrderStatus.PartiallyFilled, AlpacaBroker.Status("partially_filled"));
        Assert.Throws<BrokerUnavailableException>(() => AlpacaBroker.Status("teleported"));
    }

    [Fact]
    public void Reconciliation_names_each_symbol_whose_shares_differ_counting_a_missing_side_as_zero()
    {
        var book = new Dictionary<string, long> { ["AAPL"] = 100, ["MSFT"] = -20, ["IBM"] = 5 };
        var broker = new Dictionary<string, long> { ["AAPL"] = 100, ["MSFT"] = -25, ["GE"] = 7 };
        Assert.Equal([new PositionBreak("GE", 0, 7), new PositionBreak("IBM", 5, 0), new PositionBreak("MSFT", -20, -25)], PositionReconciliation.Compare(book, broker));
        Assert.Equal(-5, PositionReconciliation.Compare(book, broker)[2].Difference);
        var fills = new[]
        {
            new Fill(1, "x", "AAPL", OrderSide.Buy, 30, 1, 0, DateTimeOffset.UnixEpoch, null),
            new Fill(2, "y", "AAPL", OrderSide.Sell, 30, 1, 0, DateTimeOffset.UnixEpoch, null),
            new Fill(3, "z", "IBM", OrderSide.Sell, 4, 1, 0, DateTimeOffset.UnixEpoch, null),
        };
        Assert.Equal(new Dictionary<string, long> { ["IBM"] = -4 }, PositionReconciliation.FromFills(fills));
    }
}
