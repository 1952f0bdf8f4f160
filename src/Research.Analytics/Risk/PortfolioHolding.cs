namespace Research.Analytics.Risk;

/// <summary>A position: the name the user gave (ticker or PERMNO), the PERMNO it resolved to on the forecast date, and the weight.</summary>
public sealed record PortfolioHolding(string Asset, int Permno, double Weight);
