using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// The single warehouse writer (key <see cref="Key"/>): runs syncs one at a time. Start, then poll: no call
/// lasts longer than it takes to record the request.
/// </summary>
[Alias("research.warehouse.syncwriter")]
public interface ISyncWriterGrain : IGrainWithStringKey
{
    /// <summary>The one key of this grain cluster-wide.</summary>
    const string Key = "warehouse";

    /// <summary>Starts a sync, or returns the running job when it is the same request; throws when busy with another.</summary>
    [Alias("start")]
    [RequiresAction(ResearchActions.WarehouseSync)]
    Task<SyncJobStatus> StartAsync(SyncRequest request);

    /// <summary>The running or last job.</summary>
    [Alias("status")]
    Task<SyncJobStatus> GetStatusAsync();
}
