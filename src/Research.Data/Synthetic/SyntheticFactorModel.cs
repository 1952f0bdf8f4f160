namespace Research.Data.Synthetic;

/// <summary>
/// The planted factor structure: one market factor, ten industries and five styles, with their daily
/// volatilities and drifts. Industry factor returns are constrained to sum to zero with the fixed
/// <see cref="IndustryWeights"/> (so market and industries are identified, as in USE4's constraint, but
/// with fixed rather than cap weights).
/// </summary>
public static class SyntheticFactorModel
{
    /// <summary>Industry names (Fama-French 10-industry style).</summary>
    public static IReadOnlyList<string> Industries { get; } =
        ["NoDur", "Durbl", "Manuf", "Enrgy", "HiTec", "Telcm", "Shops", "Hlth", "Utils", "Other"];

    /// <summary>Probability that a new security belongs to each industry; also the industry constraint weights.</summary>
    public static IReadOnlyList<double> IndustryWeights { get; } = [0.09, 0.07, 0.12, 0.07, 0.15, 0.07, 0.10, 0.11, 0.07, 0.15];

    /// <summary>A representative SIC code per industry (four digits, inside the FF10 ranges).</summary>
    public static IReadOnlyList<int> IndustrySic { get; } = [2000, 3711, 3550, 1311, 3570, 4812, 5311, 2834, 4911, 6020];

    /// <summary>Style factor names, in exposure order.</summary>
    public static IReadOnlyList<string> Styles { get; } = ["size", "value", "momentum", "quality", "low_vol"];

    /// <summary>Daily volatility of the market factor.</summary>
    public const double MarketVol = 0.011;

    /// <summary>Daily mean of the market factor (about 7.5% a year).</summary>
    public const double MarketDrift = 0.0003;

    /// <summary>Daily volatility of each industry factor.</summary>
    public static IReadOnlyList<double> IndustryVols { get; } = [0.010, 0.013, 0.010, 0.013, 0.012, 0.011, 0.010, 0.011, 0.010, 0.010];

    /// <summary>Daily volatility of each style factor.</summary>
    public static IReadOnlyList<double> StyleVols { get; } = [0.005, 0.004, 0.006, 0.0035, 0.0045];

    /// <summary>Daily mean of each style factor (premia per unit exposure).</summary>
    public static IReadOnlyList<double> StyleDrifts { get; } = [-0.0001, 0.00012, 0.0002, 0.0001, 0.00005];

    /// <summary>
    /// Monthly AR(1) persistence of the latent style exposures. Size is derived from market cap instead, and
    /// momentum from the security's own 12-2 month relative strength once 13 months of history exist. Low
    /// volatility is fixed per security and sets its specific volatility (see <c>SecurityPlanner.SpecificVolatility</c>);
    /// value shows in book-to-market and quality in return on equity (see <c>SecurityState.AddQuarter</c>).
    /// </summary>
    public static IReadOnlyList<double> StylePersistence { get; } = [1.0, 0.98, 0.85, 0.98, 1.0];

    /// <summary>Number of factors: market + industries + styles.</summary>
    public static int FactorCount => 1 + Industries.Count + Styles.Count;

    /// <summary>Column names of the factor-return truth, in factor order.</summary>
    public static IReadOnlyList<string> FactorNames { get; } =
        ["market", .. Industries.Select(i => "ind_" + i.ToLowerInvariant()), .. Styles];

    /// <summary>Index of the first industry factor.</summary>
    public const int FirstIndustry = 1;

    /// <summary>Index of the first style factor.</summary>
    public static int FirstStyle => 1 + Industries.Count;

    /// <summary>GARCH(1,1) reaction (alpha) of factor variances.</summary>
    public const double GarchAlpha = 0.08;

    /// <summary>GARCH(1,1) persistence (beta) of factor variances.</summary>
    public const double GarchBeta = 0.90;

    /// <summary>Student-t degrees of freedom of factor and specific shocks.</summary>
    public const int TailDegreesOfFreedom = 5;
}
