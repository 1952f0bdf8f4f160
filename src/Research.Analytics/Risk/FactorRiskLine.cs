namespace Research.Analytics.Risk;

/// <summary>A factor's line of a risk report: the portfolio's exposure x_f and its component x_f (Fx)_f / σ (daily).</summary>
public sealed record FactorRiskLine(string Factor, double Exposure, double Contribution);
