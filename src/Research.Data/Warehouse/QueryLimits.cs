namespace Research.Data.Warehouse;

/// <summary>Limits on one user query.</summary>
/// <param name="MaxRows">Rows returned at most; the result says when more existed.</param>
/// <param name="Timeout">Wall time after which the query is interrupted.</param>
/// <param name="MemoryLimit">DuckDB memory limit, e.g. <c>2GB</c>.</param>
public sealed record QueryLimits(int MaxRows, TimeSpan Timeout, string MemoryLimit)
{
    /// <summary>10,000 rows, 60 s, 2 GB.</summary>
    public static QueryLimits Default { get; } = new(10_000, TimeSpan.FromSeconds(60), "2GB");
}
