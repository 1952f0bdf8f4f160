using System.CommandLine;
using System.Globalization;
using Research.Backtesting.Jobs;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Trading;
using Spectre.Console;

namespace Research.Cli.Commands.Trading;

/// <summary>
/// <c>research strategy list|define|start|pause|stop|rebalance|preview|runs|history</c>: live strategies through the
/// cluster. A strategy runs the backtest's strategy code on a paper account; a trip of a breaker over it pauses it until
/// an operator starts it again.
/// </summary>
public static class StrategyCommand
{
    private static Option<string> Name() => new("--name") { Description = "The strategy's name (letters, digits, '-', '_' or '.'; at most 24 characters).", Required = true };

    private static Option<string> Reason() => new("--reason") { Description = "Why (kept in the strategy's history and the audit log).", Required = true };

    public static Command Create(CliOutput output)
    {
        var strategy = new Command("strategy", "Live strategies on paper accounts: list, define, start, pause, stop, rebalance now, preview, runs, history.");
        strategy.Subcommands.Add(List(output));
        strategy.Subcommands.Add(Define(output));
        strategy.Subcommands.Add(Status(output, "start", "Start a strategy: its reminder checks for each new session its schedule rebalances on (refused while a breaker over it is tripped).", (g, r) => g.StartAsync(r)));
        strategy.Subcommands.Add(Status(output, "pause", "Pause a strategy: no rebalance until it is started again.", (g, r) => g.PauseAsync(r)));
        strategy.Subcommands.Add(Status(output, "stop", "Stop a strategy (stopped, it may be redefined).", (g, r) => g.StopAsync(r)));
        strategy.Subcommands.Add(Rebalance(output, preview: false));
        strategy.Subcommands.Add(Rebalance(output, preview: true));
        strategy.Subcommands.Add(Runs(output));
        strategy.Subcommands.Add(History(output));
        return strategy;
    }

    private static Command List(CliOutput output)
    {
        var command = new Command("list", "Every strategy with its account, definition, status and last run.") { ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var views = new List<StrategyView>();
            foreach (var listing in await cluster.Client.GetGrain<IStrategyDirectoryGrain>(0).ListAsync().ConfigureAwait(false))
            {
                views.Add(await cluster.Client.GetGrain<IStrategyGrain>(listing.Name).GetAsync().ConfigureAwait(false));
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(views);
                return ExitCodes.Ok;
            }

            if (views.Count == 0)
            {
                output.Console.MarkupLine("No strategies defined. Define one: research strategy define --name NAME --account ACCOUNT --kind buy-and-hold");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Strategy", "Account", "Definition", "Status", "Since (UTC)", "By", "Reason", "Last session", "Runs");
            foreach (var v in views)
            {
                table.AddRow(Markup.Escape(v.Name), Markup.Escape(v.Config?.Account ?? "-"), Markup.Escape(v.Config is { } c ? Describe(c) : "-"), Status(v.Status), BreakerCommand.Time(v.StatusAt),
                    Markup.Escape(v.StatusBy ?? "-"), Markup.Escape(v.StatusReason ?? "-"), v.LastSession?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-", N(v.Runs));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Define(CliOutput output)
    {
        var name = Name();
        var account = new Option<string>("--account") { Description = "The paper account it trades (one strategy per account).", Required = true };
        var kind = new Option<string>("--kind") { Description = $"The backtest strategy it runs: {string.Join(", ", BacktestRequest.Names)}.", Required = true };
        var model = new Option<string?>("--model") { Description = "For --kind alpha: the registry model whose production version it trades." };
        var construction = new Option<string>("--construction") { Description = "quantile (equal-weighted top and bottom quantiles) or optimizer.", DefaultValueFactory = _ => "quantile" };
        var quantile = new Option<double>("--quantile") { Description = "The quantile held long and short (0 to 0.5).", DefaultValueFactory = _ => 0.2 };
        var allocation = new Option<double>("--allocation") { Description = "The share of the account's equity it trades (above 0, at most 1).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("define", "Define (or, stopped, redefine) a strategy: the backtest strategy it runs and the account it trades.") { name, account, kind, model, construction, quantile, allocation, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var config = new StrategyConfig(parse.GetValue(account)!, parse.GetValue(kind)!, parse.GetValue(model), parse.GetValue(construction)!, parse.GetValue(quantile), parse.GetValue(allocation));
            var view = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IStrategyGrain>(parse.GetValue(name)!).DefineAsync(config)).ConfigureAwait(false);
            output.Done(parse, $"{view.Name}: {Describe(view.Config!)}; {view.Status}. Start it with: research strategy start --name {view.Name} --reason \"...\"", view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(CliOutput output, string verb, string description, Func<IStrategyGrain, string, Task<StrategyView>> act)
    {
        var (name, reason) = (Name(), Reason());
        var command = new Command(verb, description) { name, reason, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var view = await TradingErrors.RunAsync(() => act(cluster.Client.GetGrain<IStrategyGrain>(parse.GetValue(name)!), parse.GetValue(reason)!)).ConfigureAwait(false);
            output.Done(parse, $"{view.Name} is {view.Status} ({view.StatusReason}, by {view.StatusBy}).", view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rebalance(CliOutput output, bool preview)
    {
        var name = Name();
        var command = preview
            ? new Command("preview", "The orders a rebalance at the latest session would send, from the account's holdings; nothing is sent.") { name, ClusterOptions.Gateway }
            : new Command("rebalance", "Rebalance a running strategy now, to its targets at the latest session (the orders go through the gateway and its breakers).") { name, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var grain = cluster.Client.GetGrain<IStrategyGrain>(parse.GetValue(name)!);
            var run = await TradingErrors.RunAsync(() => preview ? grain.PreviewAsync() : grain.RebalanceAsync()).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(run);
                return ExitCodes.Ok;
            }

            WriteRun(output, run);
            return run.Orders.Any(o => o.Status == "rejected") ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Runs(CliOutput output)
    {
        var name = Name();
        var limit = new Option<int>("--limit") { Description = "At most this many runs, newest first (default 10).", DefaultValueFactory = _ => 10 }.Between(1, 100);
        var command = new Command("runs", "A strategy's latest rebalances with their orders and outcomes.") { name, limit, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var runs = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IStrategyGrain>(parse.GetValue(name)!).RunsAsync(parse.GetValue(limit))).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(runs);
                return ExitCodes.Ok;
            }

            if (runs.Length == 0)
            {
                output.Console.MarkupLine("No runs yet.");
            }

            foreach (var run in runs)
            {
                WriteRun(output, run);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command History(CliOutput output)
    {
        var name = Name();
        var command = new Command("history", "A strategy's definitions, starts, pauses and stops: who, when and why, newest first.") { name, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var events = await TradingErrors.RunAsync(() => cluster.Client.GetGrain<IStrategyGrain>(parse.GetValue(name)!).HistoryAsync(200)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(events);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("When (UTC)", "Action", "By", "Reason");
            foreach (var e in events)
            {
                table.AddRow(BreakerCommand.Time(e.At), e.Action, Markup.Escape(e.By), Markup.Escape(e.Reason));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteRun(CliOutput output, StrategyRunView run)
    {
        var trades = run.Orders.Where(o => o.Quantity > 0).ToList();
        output.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{(run.Run == 0 ? "Preview" : $"Run {run.Run}")} at the close of {run.Session:yyyy-MM-dd} ({run.Trigger}, {run.At:yyyy-MM-dd HH:mm} UTC): capital {run.Capital:N2}, {trades.Count} order(s), {run.Orders.Length - trades.Count} target(s) already held.")));
        if (run.Note is { } note)
        {
            output.Console.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");
        }

        if (trades.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns("Symbol", "Side", "Qty", "Target weight", "Target shares", "Held", "Close ($)", "Status", "Reason");
        foreach (var o in trades)
        {
            table.AddRow(o.Symbol, WireNames.Of(o.Side), N(o.Quantity), o.TargetWeight.ToString("P2", CultureInfo.InvariantCulture), N(o.TargetShares), N(o.HeldShares),
                o.Price.ToString("N2", CultureInfo.InvariantCulture), o.Status ?? "(not sent)", Markup.Escape(o.Reason ?? string.Empty));
        }

        output.Console.Write(table);
    }

    private static string Describe(StrategyConfig c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Strategy}{(c.Model is { } m ? $" ({m})" : string.Empty)}, {c.Construction}{(c.Strategy == "buy-and-hold" ? string.Empty : $" q={c.Quantile}")}, {c.Allocation:P0} of equity");

    private static string Status(string status) => status switch
    {
        "running" => "[green]running[/]",
        "paused" => "[yellow]paused[/]",
        _ => status,
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static Task<ClusterConnection> Connect(ParseResult parse, CancellationToken ct) =>
        ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "strategies live in the cluster");
}
