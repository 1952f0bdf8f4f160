using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;
using Research.Grains.Backtests;
using Research.Grains.Client;
using Research.Grains.Hosting;
using Research.Platform.Storage.Results;
using Research.Silo.Storage;
using Research.Testing;

namespace Research.Grains.Tests.Backtests;

/// <summary>A small synthetic warehouse (120 stocks, 4 years) shared by the backtest cluster tests.</summary>
public sealed class BacktestWarehouseFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = TestEnvironment.CreateTempDirectory("bt-cluster");

    public WarehouseLayout Layout => new(_root.Combine("warehouse"));

    public string Scratch(string name) => Directory.CreateDirectory(_root.Combine(name + "-" + Guid.NewGuid().ToString("N")[..6])).FullName;

    public async ValueTask InitializeAsync()
    {
        var source = new SyntheticSyncSource(Layout, new SyntheticMarketOptions { Stocks = 120, Years = 4, EndYear = 2024, Seed = 21, IntradaySymbols = 0 });
        var manager = new SyncManager(Layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting", "famafrench/factors_daily" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Starts an in-process cluster of <c>silos</c> silos over the fixture's warehouse, with grain state in one SQLite file
/// (so a job's checkpoint survives the silo that wrote it) and results under <c>resultRoot</c>.
/// </summary>
public static class BacktestCluster
{
    /// <summary>The tests' client calls as an administrator (so jobs keep the user names the tests submit them for).</summary>
    public static CallerIdentity TestIdentity { get; } = new("tests", Role.Admin, "tests");

    public static async Task<InProcessTestCluster> StartAsync(int silos, WarehouseLayout layout, string resultRoot, BacktestJobOptions options, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            var database = Path.Combine(resultRoot, "grains.db");
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(database, sp.GetRequiredService<IGrainStorageSerializer>(), TimeProvider.System));
            silo.AddResearchWarehouse(layout, TimeProvider.System);
            silo.UseInMemoryReminderService();
            silo.AddResearchBacktests(Path.Combine(resultRoot, "series"), SqlBacktestResultIndex.Sqlite(Path.Combine(resultRoot, "results.db")), options,
                Research.Platform.Storage.Alpha.AlphaLedger.Sqlite(resultRoot));
            UseFastFailureDetection(silo);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.UseCallerIdentity(TestIdentity));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Declares a killed silo dead within a few seconds instead of the production defaults (the kill tests).</summary>
    public static void UseFastFailureDetection(ISiloBuilder silo) => silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    });

    /// <summary>Polls a job until it finishes (a minute and a half at most), calling <paramref name="onRunning"/> with each running status seen.</summary>
    public static Task<BacktestJobStatus> WaitAsync(IBacktestJobGrain job, Func<BacktestJobStatus, Task>? onRunning = null) =>
        Eventually.UntilAsync(
            async () =>
            {
                var status = await job.GetStatusAsync();
                if (onRunning is not null && status.State == JobState.Running)
                {
                    await onRunning(status);
                }

                return status;
            },
            s => s.IsFinished,
            $"job {job.GetPrimaryKeyString()} to finish",
            cancellationToken: TestContext.Current.CancellationToken);
}
