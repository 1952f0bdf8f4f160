namespace Research.Data.Fetching;

/// <summary>What a <see cref="CorporateAction"/> is.</summary>
public enum CorporateActionKind
{
    Dividend,
    Split,
}
