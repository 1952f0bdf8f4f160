using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Research.Grains.Abstractions.Health;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Client;
using Research.Grains.Client.Monitoring;
using Research.Grains.Hosting;
using Research.Grains.Tests.Backtests;
using Research.Grains.Tests.Trading;
using Research.Grains.Trading;
using Research.Platform.Storage.Results;
using Research.Silo.Storage;
using Research.Testing;
using Research.Trading.Breakers;

namespace Research.Grains.Tests.Health;

public sealed class LatencyHistogramTests
{
    /// <summary>Percentiles against the exact order statistics of a known sample: never below, at most 10% above; two halves added equal the whole.</summary>
    [Fact]
    public void Percentiles_are_the_bucket_bound_at_most_ten_percent_above_the_exact_value_and_histograms_add()
    {
        var random = new Random(7);
        var durations = Enumerable.Range(0, 5_000).Select(_ => TimeSpan.FromMilliseconds(Math.Exp(random.NextDouble() * 9) / 10)).ToArray(); // 0.1 ms to 800 ms
        var (whole, first, second) = (new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram());
        for (var i = 0; i < durations.Length; i++)
        {
            whole.Record(durations[i]);
            (i % 2 == 0 ? first : second).Record(durations[i]);
        }

        var counts = whole.TakeCounts();
        var sorted = durations.Select(d => d.TotalMilliseconds).Order().ToArray();
        foreach (var q in new[] { 0.5, 0.95, 0.99, 1.0 })
        {
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            var reported = LatencyHistogram.Percentile(counts, q);
            Assert.InRange(reported, exact, exact * 1.1 + 1e-9);
        }

        var added = new long[LatencyHistogram.Buckets];
        LatencyHistogram.Add(added, first.TakeCounts());
        LatencyHistogram.Add(added, second.TakeCounts());
        Assert.Equal(counts, added);
        Assert.All(whole.TakeCounts(), c => Assert.Equal(0, c)); // taken: a fresh interval
        Assert.True(double.IsNaN(LatencyHistogram.Percentile(new long[LatencyHistogram.Buckets], 0.5)));
    }
}

/// <summary>The health grain on a two-silo cluster with the backtest, trading and health services: healthy, then degraded by a trip and by a killed silo.</summary>
public sealed class HealthGrainTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task Health_is_healthy_then_names_a_tripped_breaker_and_a_killed_silo_and_measures_the_calls()
    {
        var ct = TestContext.Current.CancellationToken;
        var scratch = fixture.Scratch("health");
        var security = Research.Platform.Storage.Security.SecurityStorage.Open(null, scratch, TimeProvider.System);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(Path.Combine(scratch, "grains.db"), sp.GetRequiredService<IGrainStorageSerializer>(), TimeProvider.System));
            silo.Services.AddSingleton<IStepUpVerifier>(new FixedCodeVerifier(TradingCluster.Code));
            silo.AddResearchWarehouse(fixture.Layout, TimeProvider.System);
            silo.UseInMemoryReminderService();
            silo.AddResearchBacktests(Path.Combine(scratch, "series"), SqlBacktestResultIndex.Sqlite(Path.Combine(scratch, "results.db")), new Research.Grains.Backtests.BacktestJobOptions(),
                Research.Platform.Storage.Alpha.AlphaLedger.Sqlite(scratch));
            silo.AddResearchTrading(new TradingOptions { Limits = BreakerLimits.None });
            silo.AddResearchHealth();
            silo.Services.AddSingleton(new Research.Data.Synthetic.SyntheticMarketOptions());
            silo.Services.AddSingleton(security); // the sync writer's audit
            BacktestCluster.UseFastFailureDetection(silo);
        });
        builder.ConfigureClient(client => client.UseCallerIdentity(TradingCluster.Operator));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var health = cluster.Client.GetGrain<IHealthGrain>(0);

        var first = await health.GetAsync();
        Assert.True(first.Status == "healthy", string.Join("; ", first.Reasons));
        Assert.Equal(["silos", "storage", "sync lock", "backtest queue", "breakers", "latency"], first.Checks.Select(c => c.Name));
        Assert.Equal(2, first.Silos.Count(s => s.Status == "active"));
        Assert.Equal(["sync", "backtest", "rebalance", "order"], first.LastSuccesses.Select(l => l.What));
        Assert.Null(first.LastSuccesses[3].At);

        // An order: the last order, and its call measured in the silo (reported within 10 seconds).
        var symbol = TradingCluster.Tickers(fixture.Layout, 1)[0];
        var order = await cluster.Client.GetGrain<IExecutionGatewayGrain>("health-1").SubmitAsync(new OrderTicket("h-1", symbol, TicketSide.Buy, 10));
        var measured = await Eventually.UntilAsync(() => health.GetAsync(), h => h.Latency.Any(l => l.Key == "IExecutionGatewayGrain.SubmitAsync"), "the order's call in the latency table", TimeSpan.FromSeconds(60), cancellationToken: ct);
        var submit = measured.Latency.Single(l => l.Key == "IExecutionGatewayGrain.SubmitAsync");
        Assert.Equal(("grain", 1L), (submit.Kind, submit.Count));
        Assert.True(submit.P50 > 0 && submit.P50 <= submit.P95 && submit.P95 <= submit.P99);
        Assert.Equal((order.CreatedAt, "health-1/h-1 filled"), (measured.LastSuccesses[3].At, measured.LastSuccesses[3].Detail));

        // A trip degrades it, naming the breaker and why.
        await cluster.Client.GetGrain<ICircuitBreakerGrain>("global").TripAsync("health test halt");
        var tripped = await Eventually.UntilAsync(() => health.GetAsync(), h => h.Status == "degraded", "degraded by the trip", cancellationToken: ct);
        Assert.Contains("breakers: tripped: global (health test halt)", tripped.Reasons);

        // A killed silo: still answering (on the survivor), degraded, naming the dead silo.
        var victim = cluster.Silos[1];
        await cluster.KillSiloAsync(victim);
        var lost = await Eventually.UntilAsync(() => health.GetAsync(), h => h.Checks.Single(c => c.Name == "silos").Status == "degraded", "degraded by the dead silo", TimeSpan.FromSeconds(90), cancellationToken: ct);
        Assert.Contains(lost.Silos, s => s.Address == victim.SiloAddress.ToParsableString() && s.Status == "dead");
        Assert.Single(lost.Silos, s => s.Status == "active");
    }
}
