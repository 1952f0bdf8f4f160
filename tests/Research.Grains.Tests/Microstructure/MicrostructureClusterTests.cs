using System.Text.Json;
using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Microstructure;
using Research.Grains.Backtests;
using Research.Grains.Tests.Backtests;
using Research.Testing;

namespace Research.Grains.Tests.Microstructure;

/// <summary>
/// A microstructure study of 12 days of 4 symbols' ticks fanned out by day: on one silo and on three (where the days land
/// on more than one silo) the answer is the same, and equal to the library's computation without a cluster (VPIN equal to
/// <see cref="Vpin"/> over the same ticks).
/// </summary>
public sealed class MicrostructureClusterTests
{
    /// <summary>Every double written out (NaN included), so equal text means equal numbers.</summary>
    private static readonly JsonSerializerOptions Exact = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    [Fact]
    public async Task A_study_fanned_out_by_day_is_the_same_on_one_silo_and_on_three_and_equals_the_librarys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("micro-cluster");
        var layout = new WarehouseLayout(dir.Combine("warehouse"));
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 30, Years = 1, EndYear = 2024, Seed = 29, IntradaySymbols = 4, IntradayDays = 12, IntradayTradeSize = 2_000 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in TaqTicks.Datasets)
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        List<TickDay> ticks;
        using (var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        {
            ticks = [.. TaqTicks.Read(session, cancellationToken: ct)];
        }

        var direct = MicrostructureStudy.Merge(ticks.GroupBy(t => t.Date).Select(g => MicrostructureStudy.Day(g.Key, g)));
        var views = new List<MicrostructureView>();
        foreach (var silos in new[] { 1, 3 })
        {
            var cluster = await BacktestCluster.StartAsync(silos, layout, Directory.CreateDirectory(dir.Combine($"results-{silos}")).FullName, new BacktestJobOptions { MaxChunksInFlight = 4 });
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
        string Numbers(MicrostructureView v) => JsonSerializer.Serialize(v with { Silos = [] }, Exact);
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
}
