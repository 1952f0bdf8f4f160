namespace Research.Data.Warehouse;

/// <summary>One move of a dataset's <c>CURRENT</c> pointer, or a tag change.</summary>
/// <param name="At">When (UTC).</param>
/// <param name="Action"><c>publish</c>, <c>rollback</c>, <c>tag</c> or <c>quarantine</c>.</param>
/// <param name="VersionId">The version that became current (or was tagged / quarantined).</param>
/// <param name="By">Who did it.</param>
/// <param name="Detail">Previous version, tag name or validation failure.</param>
public sealed record DatasetHistoryEntry(DateTimeOffset At, string Action, string VersionId, string By, string? Detail);
