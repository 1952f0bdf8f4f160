namespace Research.Data.Warehouse;

/// <summary>Who holds the warehouse write lock (<c>&lt;DataRoot&gt;/sync_lock.json</c>).</summary>
/// <param name="Pid">Process id of the holder.</param>
/// <param name="ProcessStartedAt">Start time of that process (guards against pid reuse).</param>
/// <param name="Host">Machine name of the holder.</param>
/// <param name="StartedAt">When the lock was taken.</param>
/// <param name="Dataset">Dataset being written.</param>
/// <param name="Owner">What took it, e.g. <c>research sync</c> or <c>SyncWriterGrain</c>.</param>
/// <param name="Token">Unique id of this acquisition.</param>
public sealed record SyncLockHolder(int Pid, DateTimeOffset? ProcessStartedAt, string Host, DateTimeOffset StartedAt, string Dataset, string Owner, string Token)
{
    /// <summary>"pid P on host H since T (dataset D, owner O)".</summary>
    public string Describe() => $"pid {Pid} on host {Host} since {StartedAt:yyyy-MM-dd HH:mm:ss} UTC (dataset {Dataset}, {Owner})";
}
