using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Console.Data;

/// <summary>What the data sync page shows: every dataset's status, the sync writer's running or last job, the ETL schedules.</summary>
public sealed record DataSyncSnapshot(DatasetStatus[] Datasets, SyncJobStatus Sync, EtlScheduleStatus[] Schedules, SyncLogEntry[] Log);

/// <summary>
/// The data sync page's calls through <see cref="ConsoleActions"/>. Reads are not audited; a manual sync is (the sync
/// writer does not audit starts itself), and so is every refusal.
/// </summary>
public sealed class ConsoleDataSync(IClusterClient cluster, ConsoleActions actions)
{
    /// <summary>The datasets the ETL schedules load (see <c>research etl schedule</c>).</summary>
    public static IReadOnlyList<string> EtlDatasets { get; } = ["prices/daily", "yahoo/daily"];

    /// <summary>Lines of the sync log the page shows.</summary>
    public const int LogLines = 100;

    /// <summary>A size in KB below 1 MB, else in MB, one decimal (invariant).</summary>
    public static string Size(long bytes) => bytes < 1 << 20
        ? (bytes / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " KB"
        : (bytes / (1024.0 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MB";

    public Task<DataSyncSnapshot> LoadAsync(ClaimsPrincipal user, bool refresh) =>
        actions.RunAsync(user, ResearchActions.OverviewView, "data-sync", async () =>
        {
            var datasets = await cluster.GetGrain<IWarehouseCatalogGrain>(0).GetStatusAsync().ConfigureAwait(false);
            var sync = await cluster.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key).GetStatusAsync().ConfigureAwait(false);
            var schedules = new List<EtlScheduleStatus>();
            foreach (var dataset in EtlDatasets)
            {
                schedules.Add(await cluster.GetGrain<IEtlScheduleGrain>(dataset).GetStatusAsync().ConfigureAwait(false));
            }

            var log = await cluster.GetGrain<IWarehouseCatalogGrain>(0).GetLogAsync(LogLines).ConfigureAwait(false);
            return new DataSyncSnapshot(datasets, sync, [.. schedules], log);
        }, new ActionOptions(Audit: false, Touch: !refresh));

    /// <summary>Starts a sync through the cluster's single writer (operators); a refusal is audited with the reason.</summary>
    public Task<SyncJobStatus> StartAsync(ClaimsPrincipal user, IReadOnlyList<string> datasets, bool incremental)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(datasets);
        return actions.RunAsync(user, ResearchActions.WarehouseSync, datasets.Count == 0 ? "(no dataset)" : string.Join(",", datasets),
            () => datasets.Count == 0
                ? throw new ArgumentException("datasets: choose at least one dataset to sync.")
                : cluster.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key).StartAsync(new SyncRequest([.. datasets], incremental, user.Identity?.Name ?? "console")),
            new ActionOptions(Details: incremental ? "incremental" : "full"));
    }

    /// <summary>Sets or replaces a dataset's ETL schedule (operators); the schedule grain audits it, a refusal is audited here.</summary>
    public Task<EtlScheduleStatus> SetScheduleAsync(ClaimsPrincipal user, string dataset, EtlSchedule schedule) =>
        actions.RunAsync(user, ResearchActions.WarehouseSync, dataset, () => cluster.GetGrain<IEtlScheduleGrain>(dataset).SetAsync(schedule), new ActionOptions(Audit: false));

    public Task<EtlScheduleStatus> RemoveScheduleAsync(ClaimsPrincipal user, string dataset) =>
        actions.RunAsync(user, ResearchActions.WarehouseSync, dataset, () => cluster.GetGrain<IEtlScheduleGrain>(dataset).RemoveAsync(), new ActionOptions(Audit: false));

    public Task<EtlScheduleStatus> RunScheduleAsync(ClaimsPrincipal user, string dataset) =>
        actions.RunAsync(user, ResearchActions.WarehouseSync, dataset, () => cluster.GetGrain<IEtlScheduleGrain>(dataset).RunNowAsync(), new ActionOptions(Audit: false));
}
