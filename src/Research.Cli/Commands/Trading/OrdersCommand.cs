using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Spectre.Console;

namespace Research.Cli.Commands.Trading;

/// <summary>
/// <c>research orders [--open]</c>, <c>research orders submit|cancel</c> and <c>research positions</c>: an account's
/// gateway through the cluster (paper broker, or Alpaca where configured); <c>research orders reconcile</c>. A submit is safe to repeat: the same <c>--id</c> returns the first outcome.
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
        orders.Subcommands.Add(Control(output));
        orders.Subcommands.Add(Reconcile(output));
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

    private static Command Control(CliOutput output)
    {
        var account = Account();
        var kind = new Option<string>("--kind") { Description = "cancel-symbol, close, flatten or adjust.", Required = true };
        kind.AcceptOnlyFromAmong([.. WireNames.All<ControlKind>()]);
        var symbol = new Option<string?>("--symbol") { Description = "The symbol (all kinds but flatten)." };
        var target = new Option<long?>("--target") { Description = "adjust: the position to reach, in shares (negative: short)." };
        var preview = new Option<bool>("--preview") { Description = "Show what it would do (orders cancelled and sent, at the last prices); change nothing." };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the cancelled orders and in the audit log); needed to apply." };
        var user = new Option<string?>("--user") { Description = "The console user (operator, with an authenticator) confirming it; needed to apply." };
        var code = new Option<string?>("--code") { Description = "A current code from that user's authenticator; needed to apply." };
        var command = new Command("control", "Manual controls: cancel a symbol's orders, close a position, flatten the account, adjust a position. --preview first; applying needs a reason and an operator's authenticator code. Closing and flattening go through a tripped breaker (they only reduce risk).")
            { account, kind, symbol, target, preview, reason, user, code, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            var control = new ManualControl(WireNames.Parse<ControlKind>(parse.GetValue(kind), "--kind"), parse.GetValue(symbol), parse.GetValue(target));
            var apply = !parse.GetValue(preview);
            if (apply && (string.IsNullOrWhiteSpace(parse.GetValue(reason)) || string.IsNullOrWhiteSpace(parse.GetValue(user)) || string.IsNullOrWhiteSpace(parse.GetValue(code))))
            {
                throw new CliException("applying a control needs --reason, --user and --code (or run it with --preview to see what it would do).");
            }

            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>(parse.GetValue(account)!);
            var outcome = apply
                ? await TradingErrors.RunAsync(() => new CallerIdentity(parse.GetValue(user)!, Role.Operator, ClusterConnection.CliIdentity.Origin)
                    .RunAsync(() => gateway.ApplyControlAsync(control, parse.GetValue(reason)!, parse.GetValue(code)!))).ConfigureAwait(false)
                : await TradingErrors.RunAsync(() => gateway.PreviewControlAsync(control)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(outcome);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine((outcome.Applied ? "Done: " : "Would ") + outcome.Summary);
            if (outcome.Effects.Length > 0)
            {
                var table = new Table().AddColumns("Action", "Symbol", "Side", "Qty", "Price ($)", "Value ($)", "Id", "Status", "Reason", "Through breaker");
                foreach (var e in outcome.Effects)
                {
                    table.AddRow(e.Action, e.Symbol, e.Side is { } side ? WireNames.Of(side) : "-", N(e.Quantity), e.Price.ToString("N2", CultureInfo.InvariantCulture), e.Value.ToString("N2", CultureInfo.InvariantCulture),
                        Markup.Escape(e.ClientOrderId), e.Status ?? "-", Markup.Escape(e.Reason ?? string.Empty), Markup.Escape(e.ThroughBreaker ?? string.Empty));
                }

                output.Console.Write(table);
            }

            return outcome.Effects.Any(e => e.Status == "rejected") ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reconcile(CliOutput output)
    {
        var account = Account();
        var command = new Command("reconcile", "Compare the account's positions with its broker's (Alpaca), or on the paper broker with what its fills add up to; exits 1 when they differ or the broker cannot be asked. Changes nothing.")
            { account, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var view = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IExecutionGatewayGrain>(parse.GetValue(account)!).ReconcileAsync()).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(view);
            }
            else if (view.Problem is { } problem)
            {
                output.Error.WriteLine($"{view.Account}: not reconciled: {problem}");
            }
            else
            {
                output.Out.WriteLine(view.Matched
                    ? string.Create(CultureInfo.InvariantCulture, $"{view.Account}: {view.Symbols:N0} position(s) match {view.Against}.")
                    : string.Create(CultureInfo.InvariantCulture, $"{view.Account}: {view.Breaks.Length:N0} of {view.Symbols:N0} position(s) differ from {view.Against}:"));
                if (view.Breaks.Length > 0)
                {
                    var table = new Table().AddColumns("Symbol", "Book", Markup.Escape(view.Against), "Difference");
                    foreach (var b in view.Breaks)
                    {
                        table.AddRow(b.Symbol, N(b.Book), N(b.Other), N(b.Difference));
                    }

                    output.Console.Write(table);
                }
            }

            return view.Matched ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Task<ClusterConnection> Connect(ParseResult parse, CancellationToken ct) =>
        ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "accounts and orders live in the cluster");

    private static string Describe(OrderView o) => string.Create(CultureInfo.InvariantCulture,
        $"{o.Ticket.ClientOrderId}: {WireNames.Of(o.Ticket.Side)} {o.Ticket.Quantity:N0} {o.Ticket.Symbol} {o.Status}{(o.Filled > 0 ? $", {o.Filled:N0} at {o.AveragePrice:N4} (costs {o.Costs:N2})" : string.Empty)}{(o.Reason is { } r ? $": {r}" : string.Empty)}.");

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
