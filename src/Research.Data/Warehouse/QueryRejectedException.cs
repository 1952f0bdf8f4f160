namespace Research.Data.Warehouse;

/// <summary>User SQL that is not allowed (not a single SELECT, touches files, changes settings) or that failed.</summary>
public sealed class QueryRejectedException : Exception
{
    public QueryRejectedException()
    {
    }

    public QueryRejectedException(string message)
        : base(message)
    {
    }

    public QueryRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
