namespace Research.Data.Fetching;

/// <summary>A dividend (cash per share) or a split (new shares per old) on its ex-date.</summary>
public sealed record CorporateAction(DateOnly Date, CorporateActionKind Kind, double Value);
