namespace Research.Data.Warehouse;

/// <summary>A bounded query result, with the versions it read.</summary>
public sealed record QueryResult(
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Types,
    IReadOnlyList<object?[]> Rows,
    bool Truncated,
    IReadOnlyDictionary<string, string> Versions)
{
    /// <summary>Why the result was cut: <c>rows</c> (the row limit) or <c>bytes</c> (the result-byte limit); null when complete.</summary>
    public string? CutBy { get; init; }

    /// <summary>Result bytes returned (the rows' text lengths).</summary>
    public long Bytes { get; init; }
}
