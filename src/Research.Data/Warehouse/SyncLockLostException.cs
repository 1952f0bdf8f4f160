namespace Research.Data.Warehouse;

/// <summary>A writer no longer holds the warehouse lock it took (its lease lapsed and another writer took over).</summary>
public sealed class SyncLockLostException : Exception
{
    public SyncLockLostException()
    {
    }

    public SyncLockLostException(string message)
        : base(message)
    {
    }

    public SyncLockLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
