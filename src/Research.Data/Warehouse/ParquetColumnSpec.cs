namespace Research.Data.Warehouse;

/// <summary>Name and type of one Parquet column.</summary>
/// <param name="Name">Column name (WRDS-style lower case for WRDS-shaped datasets).</param>
/// <param name="ClrType">Element type: int, long, double, float, bool, string or DateOnly.</param>
/// <param name="Nullable">Whether the column may hold NULL (pass <c>double?[]</c> / <c>DateOnly?[]</c> arrays, or strings with nulls).</param>
public sealed record ParquetColumnSpec(string Name, Type ClrType, bool Nullable = false)
{
    /// <summary>A non-null column of <typeparamref name="T"/>.</summary>
    public static ParquetColumnSpec Of<T>(string name) => new(name, typeof(T));

    /// <summary>A nullable column of <typeparamref name="T"/>.</summary>
    public static ParquetColumnSpec OfNullable<T>(string name) => new(name, typeof(T), Nullable: true);
}
