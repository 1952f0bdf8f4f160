namespace Research.Data.Warehouse;

/// <summary>The warehouse is being written by someone else.</summary>
public sealed class SyncLockHeldException : Exception
{
    public SyncLockHeldException()
    {
    }

    public SyncLockHeldException(string message)
        : base(message)
    {
    }

    public SyncLockHeldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SyncLockHeldException(string dataset, SyncLockHolder holder)
        : base($"Cannot write dataset '{dataset}': the warehouse is locked by {holder.Describe()}.")
    {
        Holder = holder;
    }

    /// <summary>The current holder.</summary>
    public SyncLockHolder? Holder { get; }
}
