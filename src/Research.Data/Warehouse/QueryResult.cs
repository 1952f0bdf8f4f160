namespace Research.Data.Warehouse;

/// <summary>A bounded query result, with the versions it read.</summary>
public sealed record QueryResult(
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Types,
    IReadOnlyList<object?[]> Rows,
    bool Truncated,
    IReadOnlyDictionary<string, string> Versions);
