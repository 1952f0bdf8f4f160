namespace Research.Backtesting.Results;

/// <summary>What a retention run removed and kept.</summary>
public sealed record RetentionOutcome(IReadOnlyList<string> Deleted, int KeptPinnedOrStarred, int KeptRecent);
