namespace Research.Grains.Abstractions;

/// <summary>
/// A failure inside the cluster whose own exception type cannot travel to the caller (a DuckDB, Npgsql or Parquet error:
/// Orleans only sends types it knows). It carries the original type's name and message, so the caller can say what
/// failed; the silo logs the original with its stack.
/// </summary>
[GenerateSerializer]
[Alias("research.platform-error")]
public sealed class PlatformException : Exception
{
    public PlatformException()
    {
    }

    public PlatformException(string message)
        : base(message)
    {
    }

    public PlatformException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Wraps <paramref name="original"/>: the message names its type (<c>DuckDBException: ...</c>).</summary>
    public PlatformException(Exception original)
        : base($"{original?.GetType().Name}: {original?.Message}")
    {
        ArgumentNullException.ThrowIfNull(original);
        Kind = original.GetType().FullName;
    }

    /// <summary>Full name of the original exception type.</summary>
    [Id(0)]
    public string? Kind { get; set; }
}
