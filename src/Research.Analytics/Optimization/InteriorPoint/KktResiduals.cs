namespace Research.Analytics.Optimization.InteriorPoint;

/// <summary>
/// The residuals of the KKT conditions at an iterate of the scaled problem: dual Px + q + Aᵀy, primal per row kind
/// (lower: Ax − l − sₗ, upper: Ax + sᵤ − u, equality: Ax − l), their largest magnitudes, and the mean
/// complementarity μ = (Σ sₗzₗ + Σ sᵤzᵤ) / number of inequalities.
/// </summary>
public sealed record KktResiduals(double[] Dual, double[] Lower, double[] Upper, double[] Equality, double Primal, double DualNorm, double Mu)
{
    /// <summary>False when rounding has broken the iteration (a residual is infinite or NaN).</summary>
    public bool IsFinite => double.IsFinite(Primal) && double.IsFinite(DualNorm) && double.IsFinite(Mu);
}
