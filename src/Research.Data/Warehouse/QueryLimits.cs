namespace Research.Data.Warehouse;

/// <summary>Limits on one user query.</summary>
/// <param name="MaxRows">Rows returned at most; the result says when more existed.</param>
/// <param name="Timeout">Wall time after which the query is interrupted.</param>
/// <param name="MemoryLimit">DuckDB memory limit, e.g. <c>2GB</c> (what DuckDB may hold while computing).</param>
public sealed record QueryLimits(int MaxRows, TimeSpan Timeout, string MemoryLimit)
{
    /// <summary>10,000 rows, 60 s, 2 GB in DuckDB, 64 MB of result.</summary>
    public static QueryLimits Default { get; } = new(10_000, TimeSpan.FromSeconds(60), "2GB");

    /// <summary>
    /// Result bytes returned at most (each row counted as the length of its text form, which DuckDB computes before the
    /// row's values reach .NET); the result is cut before the row that would pass it. A row alone larger than this is
    /// refused with its size.
    /// </summary>
    public long MaxResultBytes { get; init; } = 64L << 20;
}
