using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Trading;
using Spectre.Console;

namespace Research.Cli.Commands.Trading;

/// <summary>
/// <c>research orders [--open]</c>, <c>research orders submit|cancel</c> and <c>research positions</c>: an account's
/// gateway through the cluster (paper broker). A submit is safe to repeat: the same <c>--id</c> returns the first outcome.
/// </summary>
public static class OrdersCommand
{
    private static Option<string> Account() => new("--account") { Description = "The account (its gateway).", Required = true };

    public static Command Create(CliOutput output)
    {
        var account = Account();
        var open = new Option<bool>("--open") { Description = "Only open and partly filled orders." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (default 50).", DefaultValueFactory = _ => 50 }.Between(1, 10_000);
        var orders = new Command("orders", "An account's orders, newest first; submit and cancel.") { account, open, limit, ClusterOptions.Gateway };
        orders.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var list = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IExecutionGatewayGrain>(parse.GetValue(account)!).OrdersAsync(parse.GetValue(open), parse.GetValue(limit))).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("#", "Id", "Side", "Qty", "Symbol", "Limit", "Strategy", "Status", "Filled", "Avg price", "Costs", "Reason");
            foreach (var o in list)
            {
                table.AddRow(N(o.Sequence), Markup.Escape(o.Ticket.ClientOrderId), WireNames.Of(o.Ticket.Side), N(o.Ticket.Quantity), o.Ticket.Symbol, o.Ticket.LimitPrice is { } l ? l.ToString("N2", CultureInfo.InvariantCulture) : "market",
                    Markup.Escape(o.Ticket.Strategy ?? "-"), o.Status, N(o.Filled), o.Filled > 0 ? o.AveragePrice.ToString("N4", CultureInfo.InvariantCulture) : "-", o.Costs.ToString("N2", CultureInfo.InvariantCulture), Markup.Escape(o.Reason ?? string.Empty));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        orders.Subcommands.Add(Submit(output));
        orders.Subcommands.Add(Cancel(output));
        return orders;
    }

    public static Command Positions(CliOutput output)
    {
        var account = Account();
        var command = new Command("positions", "An account's cash, equity, P&L and positions.") { account, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var view = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IExecutionGatewayGrain>(parse.GetValue(account)!).AccountAsync()).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(view);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{view.Account}: equity {view.Equity:N2} (cash {view.Cash:N2}), realised P&L {view.RealizedPnl:N2}, costs {view.Costs:N2}, peak {view.PeakEquity:N2}, day start {view.DayStartEquity:N2}; {view.OpenOrders} open of {view.Orders} orders; gateway on {view.Silo}."));
            var table = new Table().AddColumns("Symbol", "Quantity", "Average cost", "Last price", "Value");
            foreach (var p in view.Positions)
            {
                table.AddRow(p.Symbol, N(p.Quantity), p.AverageCost.ToString("N4", CultureInfo.InvariantCulture), p.LastPrice.ToString("N4", CultureInfo.InvariantCulture), p.Value.ToString("N2", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Submit(CliOutput output)
    {
        var account = Account();
        var id = new Option<string>("--id") { Description = "Your id for the order: sending it again returns the first outcome and never makes a second order.", Required = true };
        var symbol = new Option<string>("--symbol") { Description = "Ticker (upper case).", Required = true };
        var side = new Option<string>("--side") { Description = "buy or sell.", Required = true };
        side.AcceptOnlyFromAmong("buy", "sell");
        var quantity = new Option<int>("--quantity") { Description = "Whole shares.", Required = true }.Positive();
        var limitPrice = new Option<double?>("--limit-price") { Description = "A limit order at this price (default: market)." };
        var strategy = new Option<string?>("--strategy") { Description = "The strategy the order is for (its breaker is checked too)." };
        var command = new Command("submit", "Send an order to an account's gateway (paper broker).") { account, id, symbol, side, quantity, limitPrice, strategy, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var ticket = new OrderTicket(parse.GetValue(id)!, parse.GetValue(symbol)!, WireNames.Parse<TicketSide>(parse.GetValue(side), "--side"), parse.GetValue(quantity), parse.GetValue(limitPrice), parse.GetValue(strategy));
            var view = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IExecutionGatewayGrain>(parse.GetValue(account)!).SubmitAsync(ticket)).ConfigureAwait(false);
            output.Done(parse, Describe(view), view);
            return view.Status == "rejected" ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Cancel(CliOutput output)
    {
        var account = Account();
        var id = new Option<string>("--id") { Description = "The order's client order id.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why.", Required = true };
        var command = new Command("cancel", "Cancel an open order.") { account, id, reason, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var view = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IExecutionGatewayGrain>(parse.GetValue(account)!).CancelAsync(parse.GetValue(id)!, parse.GetValue(reason)!)).ConfigureAwait(false);
            output.Done(parse, Describe(view), view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Task<ClusterConnection> Connect(ParseResult parse, CancellationToken ct) =>
        ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "accounts and orders live in the cluster");

    private static string Describe(OrderView o) => string.Create(CultureInfo.InvariantCulture,
        $"{o.Ticket.ClientOrderId}: {WireNames.Of(o.Ticket.Side)} {o.Ticket.Quantity:N0} {o.Ticket.Symbol} {o.Status}{(o.Filled > 0 ? $", {o.Filled:N0} at {o.AveragePrice:N4} (costs {o.Costs:N2})" : string.Empty)}{(o.Reason is { } r ? $": {r}" : string.Empty)}.");

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
