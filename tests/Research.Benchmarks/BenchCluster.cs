using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Research.Data.Warehouse;
using Research.Grains;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;
using Research.Grains.Hosting;
using Research.Platform.Storage.Results;
using Research.Silo.Storage;

namespace Research.Benchmarks;

/// <summary>What the cluster benchmarks share: an in-process cluster over a warehouse, waiting for a job, the median.</summary>
public static class BenchCluster
{
    /// <summary>
    /// <paramref name="silos"/> silos in this process with grain state, the result index, the series and the trial ledger
    /// under <paramref name="resultRoot"/>, and a client calling as an administrator.
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(int silos, WarehouseLayout layout, string resultRoot, BacktestJobOptions? options = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(Path.Combine(resultRoot, "grains.db"), sp.GetRequiredService<IGrainStorageSerializer>(), TimeProvider.System));
            silo.AddResearchWarehouse(layout, TimeProvider.System);
            silo.UseInMemoryReminderService();
            silo.AddResearchBacktests(Path.Combine(resultRoot, "series"), SqlBacktestResultIndex.Sqlite(Path.Combine(resultRoot, "results.db")), options ?? new BacktestJobOptions(),
                Research.Platform.Storage.Alpha.AlphaLedger.Sqlite(resultRoot));
            silo.AddResearchTrading(new Research.Grains.Trading.TradingOptions { Limits = Research.Trading.Breakers.BreakerLimits.None });
            silo.Services.AddSingleton(Research.Platform.Storage.Security.SecurityStorage.Open(null, resultRoot, TimeProvider.System));
            silo.AddResearchAlerts(Research.Platform.Storage.Alerts.AlertStore.Sqlite(resultRoot));
            silo.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        });
        builder.ConfigureClient(c => Research.Grains.Client.CallerIdentityClientExtensions.UseCallerIdentity(c, new("bench", Research.Grains.Abstractions.Security.Role.Admin, "bench")));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Polls a job until it finishes; throws naming the job when it did not succeed.</summary>
    public static async Task<BacktestJobStatus> WaitAsync(IBacktestJobGrain job)
    {
        while (true)
        {
            var status = await job.GetStatusAsync();
            if (status.IsFinished)
            {
                return status.State == JobState.Succeeded ? status : throw new InvalidOperationException($"job {status.JobId} {status.State}: {status.Error}");
            }

            await Task.Delay(20);
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
