namespace Research.Data.Warehouse;

/// <summary>A version, tag or as-of time that does not resolve to a version.</summary>
public sealed class VersionNotFoundException : Exception
{
    public VersionNotFoundException()
    {
    }

    public VersionNotFoundException(string message)
        : base(message)
    {
    }

    public VersionNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
