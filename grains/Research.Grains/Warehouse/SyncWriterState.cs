using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Warehouse;

/// <summary>Persisted state of the <see cref="SyncWriterGrain"/>.</summary>
[GenerateSerializer, Alias("research.warehouse.SyncWriterState")]
public sealed class SyncWriterState
{
    [Id(0)]
    public SyncJobStatus Job { get; set; } = SyncJobStatus.None;

    /// <summary>The request of the running job (to resume it after a failover).</summary>
    [Id(1)]
    public SyncRequest? Request { get; set; }

    /// <summary>Which activation holds the writer lease, and until when.</summary>
    [Id(2)]
    public string? LeaseHolder { get; set; }

    [Id(3)]
    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>Whether the wake reminder is registered (kept while a job runs).</summary>
    [Id(4)]
    public bool ReminderSet { get; set; }
}
