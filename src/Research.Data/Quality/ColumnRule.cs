namespace Research.Data.Quality;

/// <summary>What one column must look like.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Type">DuckDB type name, e.g. <c>INTEGER</c>, <c>DOUBLE</c>, <c>DATE</c>, <c>VARCHAR</c>.</param>
/// <param name="MaxNullRate">Largest allowed share of NULLs (0 = never NULL).</param>
/// <param name="Min">Smallest allowed value (after <paramref name="Absolute"/>), or null.</param>
/// <param name="Max">Largest allowed value, or null.</param>
/// <param name="Absolute">Check ranges on the absolute value (CRSP prices are negative for bid/ask midpoints).</param>
public sealed record ColumnRule(string Name, string Type, double MaxNullRate = 0, double? Min = null, double? Max = null, bool Absolute = false);
