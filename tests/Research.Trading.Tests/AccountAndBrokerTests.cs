using Research.Backtesting.Engine;
using Research.Trading.Accounts;
using Research.Trading.Brokers;
using Research.Trading.Orders;

namespace Research.Trading.Tests;

/// <summary>Cash, positions and P&amp;L from fills, and the paper broker's fills, costs and refusals, against hand-worked numbers.</summary>
public sealed class AccountAndBrokerTests
{
    private static readonly DateTimeOffset Close = new(2024, 12, 31, 21, 0, 0, TimeSpan.Zero);

    private static Fill Fill(OrderSide side, long quantity, double price, double cost = 0) => new(1, "c", "AAA", side, quantity, price, cost, Close, null);

    [Fact]
    public void Fills_move_cash_average_cost_and_realised_pnl_as_worked_by_hand()
    {
        var book = new AccountBook { Cash = 10_000 };
        book.Apply(Fill(OrderSide.Buy, 100, 10, 1));   // cash 10,000 - 1,000 - 1 = 8,999
        book.Apply(Fill(OrderSide.Buy, 100, 12, 1));   // cash 7,798; 200 at (1,000 + 1,200) / 200 = 11
        Assert.Equal(11, book.Positions["AAA"].AverageCost, 12);
        book.Apply(Fill(OrderSide.Sell, 150, 13, 2));  // cash 7,798 + 1,950 - 2 = 9,746; realised 150 x (13 - 11) = 300
        Assert.Equal((9_746.0, 300.0, 50L), (book.Cash, book.RealizedPnl, book.Held("AAA")));
        Assert.Equal(9_746 + (50 * 13), book.Equity, 12);
        book.Apply(Fill(OrderSide.Sell, 100, 9));      // closes 50 at 9 (realised -100), opens 50 short at 9
        Assert.Equal((200.0, -50L, 9.0), (book.RealizedPnl, book.Held("AAA"), book.Positions["AAA"].AverageCost));
        book.Apply(Fill(OrderSide.Buy, 50, 8));        // covers the short: +50
        Assert.Equal(250, book.RealizedPnl, 12);
        Assert.False(book.Positions.ContainsKey("AAA"));
        Assert.Equal(4, book.Costs, 12);
        Assert.Equal(10_000 + 250 - 4, book.Cash, 9); // flat: cash is the start plus realised P&L less costs
    }

    [Fact]
    public void The_paper_broker_fills_up_to_its_share_of_volume_at_the_cost_models_price_and_refuses_what_it_cannot_do()
    {
        var settings = new PaperBrokerSettings(new CostModel { CommissionBps = 1, HalfSpreadBps = 5, ImpactCoefficient = 0.1 }, MaxParticipation: 0.05);
        var quote = new Quote("AAA", 50, 10_000, Close, DailyVolatility: 0.02, AverageDollarVolume: 2_000_000);
        var book = new AccountBook { Cash = 1_000_000 };
        var order = new OrderRecord { Request = new OrderRequest("o-1", "AAA", OrderSide.Buy, 800) };

        var first = PaperBroker.Execute(order, quote, book, settings);
        Assert.Equal((500L, 50.0), (first.Quantity, first.Price)); // 5% of 10,000 shares
        var value = 500 * 50.0;
        Assert.Equal((6.0 / 10_000 * value) + (0.1 * 0.02 * Math.Sqrt(value / 2_000_000) * value), first.Cost, 12);
        order.Filled = 500;
        order.LastFillQuote = Close;
        Assert.Equal(0, PaperBroker.Execute(order, quote, book, settings).Quantity); // the same quote fills nothing more
        Assert.Equal(300, PaperBroker.Execute(order, quote with { AsOf = Close.AddDays(1) }, book, settings).Quantity); // the rest on the next

        var limit = new OrderRecord { Request = new OrderRequest("o-2", "AAA", OrderSide.Buy, 10, LimitPrice: 49.99) };
        Assert.Equal(PaperExecution.None, PaperBroker.Execute(limit, quote, book, settings)); // away from the price: stays open
        Assert.Equal(10, PaperBroker.Execute(limit, quote with { Price = 49.5 }, book, settings).Quantity);

        string? Rejection(OrderRequest request, Quote? q, AccountBook b) => PaperBroker.Execute(new OrderRecord { Request = request }, q, b, settings).Rejection;
        Assert.Equal("no price for ZZZ", Rejection(new OrderRequest("o-3", "ZZZ", OrderSide.Buy, 1), null, book));
        Assert.Equal("selling 10 AAA exceeds the 0 held (short selling is off)", Rejection(new OrderRequest("o-4", "AAA", OrderSide.Sell, 10), quote, book));
        Assert.StartsWith("buying 500 AAA at 50.00 costs 25,", Rejection(new OrderRequest("o-5", "AAA", OrderSide.Buy, 500), quote, new AccountBook { Cash = 1_000 }), StringComparison.Ordinal);
        Assert.Equal("AAA has no volume at 2024-12-31", Rejection(new OrderRequest("o-6", "AAA", OrderSide.Buy, 5), quote with { Volume = 0 }, book));
    }

    [Fact]
    public void An_order_names_its_bad_field()
    {
        Assert.Null(new OrderRequest("c-1", "BRK.B", OrderSide.Buy, 10, 1.5, "alpha-v1").Problem());
        Assert.StartsWith("symbol 'aapl' must be", new OrderRequest("c-1", "aapl", OrderSide.Buy, 10).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("quantity 0 must be", new OrderRequest("c-1", "AAPL", OrderSide.Buy, 0).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("limit price NaN must be", new OrderRequest("c-1", "AAPL", OrderSide.Buy, 1, double.NaN).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("client order id '' must be", new OrderRequest(string.Empty, "AAPL", OrderSide.Buy, 1).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("strategy 'A B' must be", new OrderRequest("c-1", "AAPL", OrderSide.Buy, 1, Strategy: "A B").Problem(), StringComparison.Ordinal);
    }
}
