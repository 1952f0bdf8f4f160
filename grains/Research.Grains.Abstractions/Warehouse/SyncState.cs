namespace Research.Grains.Abstractions.Warehouse;

/// <summary>The warehouse writer's job state (wire names <c>idle</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>).</summary>
public enum SyncState
{
    /// <summary>No job has run.</summary>
    Idle = 0,

    /// <summary>A job is syncing.</summary>
    Running = 1,

    /// <summary>The last job published every dataset it was asked for.</summary>
    Succeeded = 2,

    /// <summary>The last job stopped with an error (what it published before stays published).</summary>
    Failed = 3,
}
