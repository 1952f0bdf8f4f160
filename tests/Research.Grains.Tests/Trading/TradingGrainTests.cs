using Microsoft.Extensions.Time.Testing;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Tests.Backtests;
using Research.Grains.Trading;
using Research.Testing;
using Research.Trading.Breakers;

namespace Research.Grains.Tests.Trading;

/// <summary>The gateway's idempotent orders on the paper broker, breakers on every order path, rule trips, and resets that need step-up and wait a minute.</summary>
public sealed class TradingGrainTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    private static readonly DateTimeOffset Start = new(2025, 1, 2, 14, 0, 0, TimeSpan.Zero);

    private static OrderTicket Buy(string id, string symbol, long quantity, string? strategy = null, double? limit = null) => new(id, symbol, TicketSide.Buy, quantity, limit, strategy);

    [Fact]
    public async Task A_retried_order_id_returns_the_first_outcome_and_the_book_follows_the_fills()
    {
        var clock = new FakeTimeProvider(Start);
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("idem"), clock, new TradingOptions { Limits = BreakerLimits.None });
        var symbol = TradingCluster.Tickers(fixture.Layout, 1)[0];
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("paper-1");

        var first = await gateway.SubmitAsync(Buy("c-1", symbol, 100));
        Assert.Equal(("filled", 100L), (first.Status, first.Filled));
        var again = await gateway.SubmitAsync(Buy("c-1", symbol, 100));
        Assert.Equal((first.Sequence, first.UpdatedAt), (again.Sequence, again.UpdatedAt));
        var fills = await gateway.FillsAsync(0, 100);
        Assert.Single(fills);
        var account = await gateway.AccountAsync();
        Assert.Equal(100, Assert.Single(account.Positions).Quantity);
        Assert.Equal(1_000_000 - (100 * fills[0].Price) - fills[0].Cost, account.Cash, 6);
        Assert.Equal(1, account.Orders);

        var reused = await Assert.ThrowsAsync<ArgumentException>(() => gateway.SubmitAsync(Buy("c-1", symbol, 101)));
        Assert.Contains($"client order id 'c-1' already names another order (buy 100 {symbol})", reused.Message, StringComparison.Ordinal);
        Assert.Contains("order: symbol 'abc' must be", (await Assert.ThrowsAsync<ArgumentException>(() => gateway.SubmitAsync(Buy("c-2", "abc", 1)))).Message, StringComparison.Ordinal);
        var unknown = await gateway.SubmitAsync(Buy("c-3", "ZZZZZZ", 1));
        Assert.Equal(("rejected", "no price for ZZZZZZ"), (unknown.Status, unknown.Reason));

        // A limit far below the price stays open and can be cancelled (twice: the second returns the same).
        var resting = await gateway.SubmitAsync(Buy("c-4", symbol, 10, limit: 0.01));
        Assert.Equal("open", resting.Status);
        Assert.Equal("cancelled", (await gateway.CancelAsync("c-4", "changed my mind")).Status);
        Assert.Equal("cancelled: changed my mind", (await gateway.CancelAsync("c-4", "again")).Reason);
        Assert.Contains("only an open order can be cancelled", (await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.CancelAsync("c-1", "late"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_trips_the_account_cancels_its_open_orders_and_a_manual_strategy_trip_cancels_only_that_strategys()
    {
        var clock = new FakeTimeProvider(Start);
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("rules"), clock,
            new TradingOptions { Limits = BreakerLimits.None with { MaxPositionFraction = 0.02 } });
        var (a, b) = (TradingCluster.Tickers(fixture.Layout, 2)[0], TradingCluster.Tickers(fixture.Layout, 2)[1]);
        var gateway = cluster.Client.GetGrain<IExecutionGatewayGrain>("paper-2");

        // A strategy trip cancels that strategy's resting order and blocks its next one; the other strategy trades on.
        Assert.Equal("open", (await gateway.SubmitAsync(Buy("s1-1", a, 5, "s1", 0.01))).Status);
        Assert.Equal("open", (await gateway.SubmitAsync(Buy("s2-1", a, 5, "s2", 0.01))).Status);
        await cluster.Client.GetGrain<ICircuitBreakerGrain>("strategy:s1").TripAsync("s1 misbehaves");
        await Eventually.UntilAsync(async () => (await gateway.OrdersAsync(true, 10)).Length, n => n == 1, "the s1 order cancelled", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("s2-1", Assert.Single(await gateway.OrdersAsync(true, 10)).Ticket.ClientOrderId);
        var blocked = await gateway.SubmitAsync(Buy("s1-2", a, 1, "s1"));
        Assert.Equal(("rejected", "breaker strategy:s1 is tripped: s1 misbehaves"), (blocked.Status, blocked.Reason));

        // A position past 2% of equity trips the account: its open orders are cancelled, the next order refused.
        var big = await gateway.SubmitAsync(Buy("big", b, 2000));
        Assert.Equal("filled", big.Status);
        var breaker = await cluster.Client.GetGrain<ICircuitBreakerGrain>("account:paper-2").GetAsync();
        Assert.True(breaker.Tripped);
        Assert.Equal(("position-limit", "rule"), (breaker.Source, breaker.TrippedBy));
        Assert.Contains("of equity, past the 2.0% limit", breaker.Reason, StringComparison.Ordinal);
        Assert.Empty(await gateway.OrdersAsync(true, 10));
        Assert.StartsWith("breaker account:paper-2 is tripped: a position of", (await gateway.SubmitAsync(Buy("after", a, 1))).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_trips_resets_and_orders_from_several_clients_never_let_an_order_through_a_tripped_breaker()
    {
        // Steps in a random order, from three operators: trips, resets (with or without the code, at random times) and
        // batches of orders sent concurrently. A model of the breakers (updated only by trips and resets, which run
        // alone) says what every order and reset must get.
        var tickers = TradingCluster.Tickers(fixture.Layout, 3);
        string[] accounts = ["acct-a", "acct-b"];
        string?[] strategies = [null, "s1", "s2"];
        string[] scopes = ["global", "account:acct-a", "account:acct-b", "strategy:s1", "strategy:s2"];
        var operators = new[] { "ops1", "ops2", "ops3" }.Select(n => new CallerIdentity(n, Role.Operator, "tests")).ToArray();
        var (accepted, refused, resets, refusedResets) = (0, 0, 0, 0);
        for (var seed = 1; seed <= 4; seed++)
        {
            var random = new Random(seed);
            var clock = new FakeTimeProvider(Start);
            await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch($"prop{seed}"), clock, new TradingOptions { Limits = BreakerLimits.None });
            var tripped = scopes.ToDictionary(s => s, _ => false);
            var lastReset = scopes.ToDictionary(s => s, _ => (DateTimeOffset?)null);
            for (var step = 0; step < 40; step++)
            {
                clock.Advance(TimeSpan.FromSeconds(random.Next(0, 50)));
                var who = operators[random.Next(operators.Length)];
                var scope = scopes[random.Next(scopes.Length)];
                var breaker = cluster.Client.GetGrain<ICircuitBreakerGrain>(scope);
                switch (random.Next(5))
                {
                    case 0:
                        await who.RunAsync(() => breaker.TripAsync($"step {step}"));
                        tripped[scope] = true;
                        break;
                    case 1:
                        var withCode = random.Next(4) > 0;
                        var due = tripped[scope] && (lastReset[scope] is not { } last || clock.GetUtcNow() - last >= TimeSpan.FromMinutes(1));
                        var expectOk = withCode && due;
                        try
                        {
                            var view = await who.RunAsync(() => breaker.ResetAsync($"step {step}", withCode ? TradingCluster.Code : "000000"));
                            Assert.True(expectOk, $"seed {seed} step {step}: reset of {scope} by {who.Actor} (code {withCode}, due {due}) was accepted");
                            Assert.False(view.Tripped);
                            (tripped[scope], lastReset[scope]) = (false, clock.GetUtcNow());
                            resets++;
                        }
                        catch (InvalidOperationException e)
                        {
                            Assert.False(expectOk, $"seed {seed} step {step}: reset of {scope} refused: {e.Message}");
                            Assert.Equal(tripped[scope], (await breaker.GetAsync()).Tripped);
                            refusedResets++;
                        }

                        break;
                    default:
                        var batch = Enumerable.Range(0, 6).Select(k => (Id: $"{seed}-{step}-{k}", Account: accounts[random.Next(2)], Strategy: strategies[random.Next(3)], Who: operators[random.Next(3)], Symbol: tickers[random.Next(3)])).ToList();
                        var results = await Task.WhenAll(batch.Select(o => o.Who.RunAsync(() => cluster.Client.GetGrain<IExecutionGatewayGrain>(o.Account).SubmitAsync(Buy(o.Id, o.Symbol, 1 + random.Next(5), o.Strategy)))));
                        foreach (var (order, result) in batch.Zip(results))
                        {
                            var covering = BreakerScope.Of(order.Account, order.Strategy).Select(s => s.Key).Where(k => tripped[k]).ToList();
                            if (covering.Count > 0)
                            {
                                Assert.True(result.Status == "rejected" && result.Reason!.StartsWith($"breaker {covering[0]} is tripped", StringComparison.Ordinal),
                                    $"seed {seed} step {step}: {order.Id} for {order.Account}/{order.Strategy} went through with {string.Join(", ", covering)} tripped: {result.Status} {result.Reason}");
                                refused++;
                            }
                            else
                            {
                                Assert.True(result.Status == "filled", $"seed {seed} step {step}: {order.Id} with no breaker tripped: {result.Status} {result.Reason}");
                                accepted++;
                            }
                        }

                        break;
                }
            }

        }

        // The sequences reached every outcome (counts over the seeds).
        Assert.True(accepted > 0 && refused > 0 && resets > 0 && refusedResets > 0, $"filled {accepted}, refused by a breaker {refused}, resets {resets}, refused resets {refusedResets}");
    }

    [Fact]
    public async Task A_reset_is_refused_without_the_code_and_within_a_minute_of_the_last_and_every_attempt_is_in_the_history()
    {
        var clock = new FakeTimeProvider(Start);
        await using var cluster = await TradingCluster.StartAsync(1, fixture.Layout, fixture.Scratch("reset"), clock, new TradingOptions());
        var breaker = cluster.Client.GetGrain<ICircuitBreakerGrain>("global");
        await breaker.TripAsync("market halt");
        Assert.Contains("needs a current code", (await Assert.ThrowsAsync<InvalidOperationException>(() => breaker.ResetAsync("reopen", ""))).Message, StringComparison.Ordinal);
        await breaker.ResetAsync("reopen", TradingCluster.Code);
        await breaker.TripAsync("halt again");
        clock.Advance(TimeSpan.FromSeconds(59));
        var soon = await Assert.ThrowsAsync<InvalidOperationException>(() => breaker.ResetAsync("reopen", TradingCluster.Code));
        Assert.Contains("global: Reset refused: the breaker was reset at 2025-01-02 14:00:00 UTC; one reset per minute at most (next from 14:01:00 UTC).", soon.Message, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await breaker.ResetAsync("reopen", TradingCluster.Code)).Tripped);
        var history = await breaker.HistoryAsync(10);
        Assert.Equal(["reset", "reset-refused", "trip", "reset", "reset-refused", "trip"], history.Select(h => h.Action));
        Assert.All(history, h => Assert.Equal("ops", h.By));
        var badScope = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Client.GetGrain<ICircuitBreakerGrain>("desk:1").GetAsync());
        Assert.Contains("breaker scope 'desk:1' is not 'global', 'strategy:NAME' or 'account:NAME'", badScope.ToString(), StringComparison.Ordinal);
    }
}
