namespace Research.Data.Warehouse;

/// <summary>Quoting for SQL the platform writes itself (file lists, identifiers); never for user SQL.</summary>
public static class DuckDbSql
{
    /// <summary>A string literal: <c>'it''s'</c>.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A list of string literals: <c>['a', 'b']</c> (for <c>read_parquet</c> and settings).</summary>
    public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Literal)) + "]";

    /// <summary>A date literal: <c>DATE '2024-06-28'</c>.</summary>
    public static string Date(DateOnly date) => $"DATE '{date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}'";

    /// <summary>A quoted identifier: <c>"at"</c>.</summary>
    public static string Identifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
