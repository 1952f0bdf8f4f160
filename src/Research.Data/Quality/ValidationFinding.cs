namespace Research.Data.Quality;

/// <summary>One failed (or passed) rule.</summary>
/// <param name="Dataset">Dataset checked.</param>
/// <param name="Column">Column concerned, or null for table-level rules.</param>
/// <param name="Rule">Rule name: <c>schema</c>, <c>type</c>, <c>nulls</c>, <c>range</c>, <c>key</c>, <c>row-count</c>,
/// <c>sessions</c>, <c>row-drop</c>, <c>null-spike</c>, <c>readable</c>.</param>
/// <param name="Passed">Whether the rule held.</param>
/// <param name="Message">What was found, with numbers.</param>
public sealed record ValidationFinding(string Dataset, string? Column, string Rule, bool Passed, string Message)
{
    public override string ToString() => $"{Dataset}{(Column is null ? string.Empty : "." + Column)} [{Rule}] {Message}";
}
