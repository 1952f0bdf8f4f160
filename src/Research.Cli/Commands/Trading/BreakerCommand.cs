using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Spectre.Console;

namespace Research.Cli.Commands.Trading;

/// <summary>
/// <c>research breaker status|trip|reset|history</c>: the circuit breakers through the cluster. A reset names the console
/// user whose authenticator code confirms it (<c>--user</c>, <c>--code</c>); the breaker grain checks the code itself.
/// </summary>
public static class BreakerCommand
{
    private static Option<string> Scope(bool required) => new("--scope") { Description = "global, strategy:NAME or account:NAME.", Required = required };

    private static Option<string> Reason() => new("--reason") { Description = "Why (kept in the breaker's history and the audit log).", Required = true };

    public static Command Create(CliOutput output)
    {
        var breaker = new Command("breaker", "Circuit breakers: status, trip, reset (operator, with an authenticator code), history.");
        breaker.Subcommands.Add(Status(output));
        breaker.Subcommands.Add(Trip(output));
        breaker.Subcommands.Add(Reset(output));
        breaker.Subcommands.Add(History(output));
        return breaker;
    }

    private static Command Status(CliOutput output)
    {
        var scope = Scope(required: false);
        var command = new Command("status", "The global breaker, every account's, every strategy's (defined or in recent orders), or one scope's, tripped or closed, with who, when and why.") { scope, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "breakers live in the cluster").ConfigureAwait(false);
            var scopes = new List<string>();
            if (parse.GetValue(scope) is { } one)
            {
                scopes.Add(one);
            }
            else
            {
                // Global, every account's, every defined strategy's and those of the strategies seen in the accounts' latest orders.
                var accounts = await cluster.Client.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync().ConfigureAwait(false);
                var strategies = new SortedSet<string>((await cluster.Client.GetGrain<IStrategyDirectoryGrain>(0).ListAsync().ConfigureAwait(false)).Select(s => s.Name), StringComparer.Ordinal);
                foreach (var account in accounts)
                {
                    strategies.UnionWith((await cluster.Client.GetGrain<IExecutionGatewayGrain>(account).OrdersAsync(false, 200).ConfigureAwait(false)).Select(o => o.Ticket.Strategy).OfType<string>());
                }

                scopes.AddRange(["global", .. accounts.Select(a => "account:" + a), .. strategies.Select(s => "strategy:" + s)]);
            }

            var views = new List<BreakerView>();
            foreach (var s in scopes)
            {
                views.Add(await TradingErrors.RunAsync(() => cluster.Client.GetGrain<ICircuitBreakerGrain>(s).GetAsync()).ConfigureAwait(false));
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(views);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Scope", "State", "Since (UTC)", "By", "Source", "Reason", "Next reset from (UTC)");
            foreach (var v in views)
            {
                table.AddRow(Markup.Escape(v.Scope), v.Tripped ? "[red]TRIPPED[/]" : "closed", Time(v.TrippedAt), Markup.Escape(v.TrippedBy ?? "-"), Markup.Escape(v.Source ?? "-"),
                    Markup.Escape(v.Reason ?? "-"), Time(v.ResetAllowedFrom));
            }

            output.Console.Write(table);
            return views.Any(v => v.Tripped) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Trip(CliOutput output)
    {
        var (scope, reason) = (Scope(required: true), Reason());
        var command = new Command("trip", "Trip a breaker by hand: the orders it covers are refused and its open orders cancelled until an operator resets it.") { scope, reason, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "breakers live in the cluster").ConfigureAwait(false);
            var view = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<ICircuitBreakerGrain>(parse.GetValue(scope)!).TripAsync(parse.GetValue(reason)!)).ConfigureAwait(false);
            output.Done(parse, $"{view.Scope} is tripped: {view.Reason} (by {view.TrippedBy}, {Time(view.TrippedAt)} UTC).", view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reset(CliOutput output)
    {
        var (scope, reason) = (Scope(required: true), Reason());
        var user = new Option<string>("--user") { Description = "The console user (operator, with an authenticator) confirming the reset.", Required = true };
        var code = new Option<string>("--code") { Description = "A current code from that user's authenticator.", Required = true };
        var command = new Command("reset", "Reset a tripped breaker: operator, a reason and a current authenticator code; at most once a minute per breaker.") { scope, reason, user, code, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "breakers live in the cluster").ConfigureAwait(false);
            var caller = new CallerIdentity(parse.GetValue(user)!, Role.Operator, ClusterConnection.CliIdentity.Origin);
            var view = await TradingErrors.RunAsync(() => caller.RunAsync(() => cluster.Client.GetGrain<ICircuitBreakerGrain>(parse.GetValue(scope)!).ResetAsync(parse.GetValue(reason)!, parse.GetValue(code)!))).ConfigureAwait(false);
            output.Done(parse, $"{view.Scope} is closed (reset by {parse.GetValue(user)}); the next reset is allowed from {Time(view.ResetAllowedFrom)} UTC.", view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command History(CliOutput output)
    {
        var scope = Scope(required: true);
        var limit = new Option<int>("--limit") { Description = "At most this many events, newest first (default 50).", DefaultValueFactory = _ => 50 }.Between(1, 500);
        var command = new Command("history", "A breaker's trips, resets and refused resets, newest first.") { scope, limit, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "breakers live in the cluster").ConfigureAwait(false);
            var events = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<ICircuitBreakerGrain>(parse.GetValue(scope)!).HistoryAsync(parse.GetValue(limit))).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(events);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("When (UTC)", "Action", "By", "Source", "Reason");
            foreach (var e in events)
            {
                table.AddRow(Time(e.At), e.Action, Markup.Escape(e.By), Markup.Escape(e.Source), Markup.Escape(e.Reason));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";
}
