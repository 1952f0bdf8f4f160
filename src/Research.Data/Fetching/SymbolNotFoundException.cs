namespace Research.Data.Fetching;

/// <summary>A provider has no data for a symbol (unknown, delisted before the range, or not in its files); the fetcher's chain moves on.</summary>
public sealed class SymbolNotFoundException : Exception
{
    public SymbolNotFoundException()
    {
    }

    public SymbolNotFoundException(string message)
        : base(message)
    {
    }

    public SymbolNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
