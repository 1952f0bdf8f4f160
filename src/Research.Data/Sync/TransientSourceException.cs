namespace Research.Data.Sync;

/// <summary>A source error worth retrying (dropped connection, rate limit, timeout).</summary>
public sealed class TransientSourceException : Exception
{
    public TransientSourceException()
    {
    }

    public TransientSourceException(string message)
        : base(message)
    {
    }

    public TransientSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
