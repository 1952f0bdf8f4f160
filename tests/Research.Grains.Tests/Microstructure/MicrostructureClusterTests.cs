using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Microstructure;
using Research.Grains.Abstractions.Security;
using Research.Grains.Backtests;
using Research.Grains.Tests.Backtests;
using Research.Testing;

namespace Research.Grains.Tests.Microstructure;

/// <summary>Twelve days of four symbols' synthetic ticks (and the market they belong to), and those ticks as read back.</summary>
public sealed class TickWarehouseFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("micro-cluster");

    public WarehouseLayout Layout => new(_dir.Combine("warehouse"));

    public List<TickDay> Ticks { get; private set; } = [];

    public string Scratch(string name) => Directory.CreateDirectory(_dir.Combine(name + "-" + Guid.NewGuid().ToString("N")[..6])).FullName;

    public async ValueTask InitializeAsync()
    {
        var source = new SyntheticSyncSource(Layout, new SyntheticMarketOptions { Stocks = 30, Years = 1, EndYear = 2024, Seed = 29, IntradaySymbols = 4, IntradayDays = 12, IntradayTradeSize = 2_000 });
        var manager = new SyncManager(Layout, TimeProvider.System);
        foreach (var dataset in TaqTicks.Datasets)
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        }

        using var session = WarehouseQuerySession.Open(Layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        Ticks = [.. TaqTicks.Read(session, cancellationToken: TestContext.Current.CancellationToken)];
    }

    public ValueTask DisposeAsync()
    {
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A microstructure study of 12 days of 4 symbols' ticks fanned out by day: on one silo and on three (where the days land
/// on more than one silo) the answer is the same, and equal to the library's computation without a cluster (VPIN equal to
/// <see cref="Vpin"/> over the same ticks); with a silo killed while it computes a day, that day is asked again
/// elsewhere and the answer is still the same.
/// </summary>
public sealed class MicrostructureClusterTests(TickWarehouseFixture fixture) : IClassFixture<TickWarehouseFixture>
{
    /// <summary>Every double written out (NaN included), so equal text means equal numbers.</summary>
    private static readonly JsonSerializerOptions Exact = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string Numbers(MicrostructureView v) => JsonSerializer.Serialize(v with { Silos = [] }, Exact);

    [Fact]
    public async Task A_study_fanned_out_by_day_is_the_same_on_one_silo_and_on_three_and_equals_the_librarys()
    {
        var (layout, ticks) = (fixture.Layout, fixture.Ticks);
        var direct = MicrostructureStudy.Merge(ticks.GroupBy(t => t.Date).Select(g => MicrostructureStudy.Day(g.Key, g)));
        var views = new List<MicrostructureView>();
        foreach (var silos in new[] { 1, 3 })
        {
            var cluster = await BacktestCluster.StartAsync(silos, layout, fixture.Scratch($"results-{silos}"), new BacktestJobOptions { MaxChunksInFlight = 4 });
            try
            {
                views.Add(await cluster.Client.GetGrain<IMicrostructureGrain>(0).RunAsync(new MicrostructureRequest(null, null, null)));
            }
            finally
            {
                await cluster.StopAllSilosAsync();
                await cluster.DisposeAsync();
            }
        }

        Assert.Single(views[0].Silos);
        Assert.True(views[1].Silos.Length > 1, $"the 12 days ran on {views[1].Silos.Length} silo(s) of 3");
        Assert.Equal(Numbers(views[0]), Numbers(views[1]));

        var view = views[1];
        Assert.Equal(12, view.Days);
        Assert.Equal(48, view.SymbolDays);
        Assert.Equal(direct.Symbols.Select(s => s.Symbol), view.Symbols.Select(s => s.Symbol));
        foreach (var (expected, actual) in direct.Symbols.Zip(view.Symbols))
        {
            Assert.Equal(expected.MeanRv, actual.MeanRv);
            Assert.Equal(expected.VpinMean, actual.VpinMean);
            var days = ticks.Where(t => t.Symbol == expected.Symbol).ToList();
            var vpin = Vpin.Measure(Vpin.Bars(days), Vpin.AverageDailyVolume(days));
            Assert.Equal(vpin.Values.Average(), actual.VpinMean, 12);
            Assert.Equal(vpin.Values.Count(), actual.VpinBuckets);
        }

        Assert.Equal(1.0, view.Pattern.Sum(b => b.VolumeShare), 12);
        Assert.True(view.Pattern[0].VolumeShare > view.Pattern[6].VolumeShare && view.Pattern[^1].VolumeShare > view.Pattern[6].VolumeShare, "the U-shape of volume");
    }
    [Fact]
    public async Task A_day_lost_with_its_silo_mid_study_is_asked_again_elsewhere_and_the_study_is_unchanged()
    {
        var reference = Numbers(await MicrostructureStudyOnOneSilo());
        var caller = new CallerIdentity("tests", Role.Researcher, "tests");
        var attempts = new List<string>();

        // The study is asked from silo 0 (its coordinator, a stateless worker, runs there), one day at a time; silo 2 is
        // killed as soon as it hosts a day grain, so the day it was computing is lost with it and must be asked again
        // elsewhere. If the kill lands just after that day finished (nothing lost), the scenario is run again on a fresh
        // cluster, at most three times.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var log = new RetryLog();
            var cluster = await BacktestCluster.StartAsync(3, fixture.Layout, fixture.Scratch("kill"), new BacktestJobOptions { MaxChunksInFlight = 1, ChunkTimeout = TimeSpan.FromSeconds(5) },
                silo => silo.Services.AddSingleton<ILoggerProvider>(log));
            try
            {
                var victim = cluster.Silos[2];
                var factory = cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
                var study = caller.RunAsync(() => factory.GetGrain<IMicrostructureGrain>(0).RunAsync(new MicrostructureRequest(null, null, null)));
                var management = cluster.Client.GetGrain<IManagementGrain>(0);
                var killed = false;
                while (!study.IsCompleted && !killed)
                {
                    var hosted = await management.GetSimpleGrainStatistics([victim.SiloAddress]);
                    if (hosted.Any(g => g.GrainType.Contains(nameof(Research.Grains.Microstructure.MicrostructureDayGrain), StringComparison.Ordinal) && g.ActivationCount > 0))
                    {
                        await cluster.KillSiloAsync(victim);
                        killed = true;
                    }
                }

                var view = await study;
                attempts.Add($"attempt {attempt}: killed {killed}, {log.Retries} retries ({log.First}), days on {string.Join(", ", view.Silos)}");
                Assert.Equal(reference, Numbers(view));
                if (log.Retries > 0)
                {
                    Assert.True(killed);
                    Assert.DoesNotContain(victim.SiloAddress.ToParsableString(), view.Silos);
                    TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, attempts));
                    return;
                }
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }

        Assert.Fail($"no day was lost with the killed silo: {string.Join("; ", attempts)}");
    }

    private async Task<MicrostructureView> MicrostructureStudyOnOneSilo()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("one"), new BacktestJobOptions { MaxChunksInFlight = 4 });
        return await cluster.Client.GetGrain<IMicrostructureGrain>(0).RunAsync(new MicrostructureRequest(null, null, null));
    }

    /// <summary>Counts the coordinator's "asking again" warnings.</summary>
    private sealed class RetryLog : ILoggerProvider, ILogger
    {
        private int _retries;

        public int Retries => Volatile.Read(ref _retries);

        public string? First { get; private set; }

        public ILogger CreateLogger(string categoryName) => categoryName.EndsWith(nameof(Research.Grains.Microstructure.MicrostructureGrain), StringComparison.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (text.Contains("asking again", StringComparison.Ordinal) && Interlocked.Increment(ref _retries) == 1)
            {
                First = $"{text} ({exception?.GetType().Name})";
            }
        }

        public void Dispose()
        {
        }
    }
}
