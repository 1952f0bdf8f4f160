using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Research.Backtesting.Jobs;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Tests.Backtests;
using Research.Grains.Trading;
using Research.Testing;
using Research.Trading.Breakers;
using Research.Trading.Brokers;

namespace Research.Grains.Tests.Trading;

/// <summary>Strategy grains: the same targets as the backtest engine (parity), and breakers that pause them for good.</summary>
public sealed class StrategyGrainTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    private static readonly TradingOptions LongShort = new()
    {
        InitialCash = 100_000, // orders well inside a session's volume: every order fills at once
        Limits = BreakerLimits.None,
        Broker = PaperBrokerSettings.Default with { AllowShort = true, MaxParticipation = 1 },
    };

    /// <summary>
    /// Over a half year of the synthetic market, a running momentum strategy grain, woken by its reminder, decides at
    /// each month end the engine rebalances at (and on no other session): its targets (every symbol and weight) equal the weights the engine trades to at the next session,
    /// to 1e-12; the positions it exits are the ones the engine sells out of; and the first rebalance (from cash) buys
    /// and sells short exactly weight x capital / close shares of each target.
    /// </summary>
    [Fact]
    public async Task A_strategy_grain_trades_to_the_targets_the_backtest_engine_trades_to()
    {
        var layout = fixture.Layout;
        var request = new BacktestRequest { Strategy = "momentum", From = new DateOnly(2023, 2, 1), To = new DateOnly(2023, 8, 15) };
        var run = BacktestRunner.Run(layout, request, BacktestRunner.CurrentVersions(layout, request), cancellationToken: TestContext.Current.CancellationToken);
        var dates = run.Result.Dates;
        var returns = Returns(layout, run);
        var engine = run.Result.Trades.GroupBy(t => t.Date).OrderBy(g => g.Key).ToList();
        Assert.True(engine.Count >= 5, $"the engine rebalanced {engine.Count} times in the window");

        var clock = new FakeTimeProvider(new DateTimeOffset(2023, 1, 3, 12, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, layout, fixture.Scratch("parity"), clock, LongShort);
        var strategy = cluster.Client.GetGrain<IStrategyGrain>("mom-live");
        await strategy.DefineAsync(new StrategyConfig("parity-1", "momentum"));
        await strategy.StartAsync("parity test");
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("parity-1");
        var previous = new Dictionary<string, long>(StringComparer.Ordinal); // the shares the last run bought or sold short
        for (var k = 0; k < engine.Count; k++)
        {
            var decision = dates[Array.IndexOf(dates, engine[k].Key) - 1];
            clock.SetUtcNow(new DateTimeOffset(decision.ToDateTime(new TimeOnly(22, 0)), TimeSpan.Zero));
            var tickers = Tickers(layout, decision);
            // A stock with no return on the execution session cannot trade there: the engine keeps it, live orders meet the gateway's refusal. Decisions are compared on the rest.
            var session = Array.IndexOf(dates, engine[k].Key);
            var closed = engine[k].Where(t => double.IsNaN(returns[session][t.Asset])).Select(t => tickers[run.Permnos[t.Asset]]).ToHashSet(StringComparer.Ordinal);
            var traded = engine[k].Where(t => t.After != 0 && !double.IsNaN(returns[session][t.Asset])).ToDictionary(t => tickers[run.Permnos[t.Asset]], t => t.After, StringComparer.Ordinal);
            var exited = engine[k].Where(t => t.After == 0 && t.Before != 0 && !double.IsNaN(returns[session][t.Asset])).Select(t => tickers[run.Permnos[t.Asset]]).Order(StringComparer.Ordinal).ToList();

            // The strategy's reminder, due on the fake clock, runs the scheduled check: a new session that is a month end.
            var live = (await Eventually.UntilAsync(() => strategy.RunsAsync(1), r => r.Length > 0 && r[0].Session == decision, $"the scheduled rebalance at {decision}", cancellationToken: TestContext.Current.CancellationToken))[0];
            Assert.Equal("schedule", live.Trigger);

            Assert.Equal(decision, live.Session);
            var targets = live.Orders.Where(o => o.TargetWeight != 0 && !closed.Contains(o.Symbol)).ToDictionary(o => o.Symbol, o => o.TargetWeight, StringComparer.Ordinal);
            Assert.True(traded.Keys.Order(StringComparer.Ordinal).SequenceEqual(targets.Keys.Order(StringComparer.Ordinal)), $"k={k} {decision}: engine only {string.Join(",", traded.Keys.Except(targets.Keys).Select(x => $"{x}={traded[x]}"))}; live only {string.Join(",", targets.Keys.Except(traded.Keys).Select(x => $"{x}={targets[x]}"))}");
            Assert.All(traded, p => Assert.Equal(p.Value, targets[p.Key], 12));
            Assert.Equal(exited, live.Orders.Where(o => o.TargetWeight == 0 && !closed.Contains(o.Symbol)).Select(o => o.Symbol).Order(StringComparer.Ordinal));
            Assert.All(live.Orders.Where(o => o.TargetWeight == 0), o => Assert.Equal((previous[o.Symbol], 0L), (o.HeldShares, o.TargetShares)));
            Assert.All(live.Orders.Where(o => o.Quantity > 0 && !closed.Contains(o.Symbol)), o => Assert.Equal("filled", o.Status));
            if (k == 0)
            {
                Assert.Equal(100_000, live.Capital);
                Assert.All(live.Orders, o => Assert.Equal((o.TargetWeight > 0 ? TicketSide.Buy : TicketSide.Sell, (long)Math.Truncate(Math.Abs(o.TargetWeight) * live.Capital / o.Price)), (o.Side, o.Quantity)));
            }

            var after = (await gateway.AccountAsync()).Positions.ToDictionary(p => p.Symbol, p => p.Quantity, StringComparer.Ordinal);
            Assert.All(live.Orders.Where(o => o.TargetShares != 0 && !closed.Contains(o.Symbol)), o => Assert.Equal(o.TargetShares, after[o.Symbol]));
            previous = after;
        }

        Assert.Equal(engine.Count, (await strategy.GetAsync()).Runs);
        Assert.Equal(engine.Count, (await strategy.RunsAsync(100)).Length);
        Assert.NotEmpty(previous);
    }

    [Fact]
    public async Task A_trip_pauses_the_strategy_and_it_stays_paused_after_the_reset_until_an_operator_starts_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 6, 28, 22, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("strategy-trip"), clock, LongShort);
        var strategy = cluster.Client.GetGrain<IStrategyGrain>("hold-1");
        await strategy.DefineAsync(new StrategyConfig("trip-1", "buy-and-hold", Allocation: 0.5));
        Assert.Contains("is not defined", (await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Client.GetGrain<IStrategyGrain>("nobody").StartAsync("go"))).Message, StringComparison.Ordinal);
        Assert.Contains("one strategy per account", (await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.GetGrain<IStrategyGrain>("other").DefineAsync(new StrategyConfig("trip-1", "value")))).Message, StringComparison.Ordinal);
        Assert.Contains("start it to rebalance", (await Assert.ThrowsAsync<InvalidOperationException>(() => strategy.RebalanceAsync())).Message, StringComparison.Ordinal);

        await strategy.StartAsync("morning start");
        var first = await strategy.RebalanceAsync();
        Assert.Equal(50_000, first.Capital, 6);
        Assert.All(first.Orders, o => Assert.Equal((TicketSide.Buy, "filled"), (o.Side, o.Status)));
        Assert.Contains("stop it before changing", (await Assert.ThrowsAsync<InvalidOperationException>(() => strategy.DefineAsync(new StrategyConfig("trip-1", "momentum")))).Message, StringComparison.Ordinal);

        await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:trip-1").TripAsync("risk exit");
        var paused = await Eventually.UntilAsync(() => strategy.GetAsync(), v => v.Status == "paused", "the strategy paused by the trip", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(("breaker", "breaker account:trip-1 tripped: risk exit"), (paused.StatusBy, paused.StatusReason));
        Assert.Contains("start it to rebalance", (await Assert.ThrowsAsync<InvalidOperationException>(() => strategy.RebalanceAsync())).Message, StringComparison.Ordinal);
        Assert.Contains("Reset the breaker first", (await Assert.ThrowsAsync<InvalidOperationException>(() => strategy.StartAsync("again"))).Message, StringComparison.Ordinal);

        await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:trip-1").ResetAsync("checked", TradingCluster.Code);
        Assert.Equal("paused", (await strategy.GetAsync()).Status); // the reset does not restart it
        await strategy.StartAsync("after review");
        var second = await strategy.RebalanceAsync();
        Assert.Equal(2, second.Run);
        Assert.Equal(["define", "start", "pause", "start"], (await strategy.HistoryAsync(10)).Reverse().Select(e => e.Action));

        // A global trip pauses it too; stop is final until started again.
        await cluster.Client.GetGrain<ICircuitBreakerGrain>("global").TripAsync("market halt");
        await Eventually.UntilAsync(() => strategy.GetAsync(), v => v.Status == "paused", "paused by the global trip", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("stopped", (await strategy.StopAsync("end of day")).Status);
    }

    [Fact]
    public async Task A_definition_is_checked_before_it_is_stored()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 6, 28, 22, 0, 0, TimeSpan.Zero));
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("strategy-define"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var grain = cluster.Client.GetGrain<IStrategyGrain>("s1");
        async Task<string> Refused(StrategyConfig config) => (await Assert.ThrowsAsync<ArgumentException>(() => grain.DefineAsync(config))).Message;

        Assert.Contains("sells short", await Refused(new StrategyConfig("a1", "momentum")), StringComparison.Ordinal);
        Assert.Contains("strategy: 'growth' is not one of", await Refused(new StrategyConfig("a1", "growth")), StringComparison.Ordinal);
        Assert.Contains("allocation: 1.5 must be above 0 and at most 1", await Refused(new StrategyConfig("a1", "buy-and-hold", Allocation: 1.5)), StringComparison.Ordinal);
        Assert.Contains("account name", await Refused(new StrategyConfig("bad name!", "buy-and-hold")), StringComparison.Ordinal);
        Assert.Null((await grain.GetAsync()).Config);
        Assert.Empty(await cluster.Client.GetGrain<IStrategyDirectoryGrain>(0).ListAsync());
        Assert.Contains("must be 1 to 24 lower-case letters", (await Assert.ThrowsAnyAsync<Exception>(() => cluster.Client.GetGrain<IStrategyGrain>(new string('s', 25)).GetAsync())).Message, StringComparison.Ordinal);
    }

    /// <summary>The run's close-to-close returns by session of the run and asset (NaN: not traded that session).</summary>
    private static double[][] Returns(WarehouseLayout layout, BacktestRun run)
    {
        using var session = WarehouseQuerySession.OpenVersions(layout, run.DataVersions.ToDictionary(), QueryLimits.Default, TimeProvider.System);
        var (_, end, from) = BacktestRunner.Window(session, run.Request);
        var data = Research.Backtesting.Data.BacktestDataLoader.Load(session, from, end);
        Assert.Equal(run.Permnos, data.Panel.Ids);
        return [.. run.Result.Dates.Select(d => data.Panel.Returns.AsSpan(Array.IndexOf(data.Dates, d) * data.Assets, data.Assets).ToArray())];
    }

    private static Dictionary<int, string> Tickers(WarehouseLayout layout, DateOnly date)
    {
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/names"]);
        using var command = session.CreateTrustedCommand($"SELECT permno, ticker FROM crsp.names WHERE DATE '{date:yyyy-MM-dd}' BETWEEN namedt AND nameendt");
        using var reader = command.ExecuteReader();
        var tickers = new Dictionary<int, string>();
        while (reader.Read())
        {
            tickers[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = reader.GetString(1);
        }

        return tickers;
    }
}
