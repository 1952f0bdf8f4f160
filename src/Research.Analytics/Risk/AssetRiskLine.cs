namespace Research.Analytics.Risk;

/// <summary>A position's line of a risk report: weight, marginal ∂σ/∂w_i and component w_i (Σw)_i / σ (daily).</summary>
public sealed record AssetRiskLine(string Asset, int Permno, double Weight, double Marginal, double Contribution);
