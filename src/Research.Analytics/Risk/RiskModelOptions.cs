namespace Research.Analytics.Risk;

/// <summary>
/// Estimation settings of the risk model (all in sessions). The defaults target a one-day horizon and were chosen by
/// measurement on the synthetic market (docs/PERFORMANCE.md, "Risk model"): factor volatilities with a 21-session
/// half-life (RiskMetrics uses 11 for daily forecasts, Barra USE4 84 for a month), correlations with 504 as in USE4,
/// specific variances with 42; the eigenfactor and volatility regime adjustments are off by default because on
/// random long-only portfolios both raised forecasts that were already slightly high; turn them on for optimised
/// portfolios (eigenfactor) or for a longer half-life (regime).
/// </summary>
public sealed record RiskModelOptions
{
    /// <summary>Half-life of the exponential weights of factor volatilities.</summary>
    public int VolatilityHalfLife { get; init; } = 21;

    /// <summary>Half-life of the exponential weights of factor correlations (longer: correlations are stabler).</summary>
    public int CorrelationHalfLife { get; init; } = 504;

    /// <summary>
    /// Newey-West lags of the factor covariance (0 = none). With L lags the forecast is the long-run variance per day,
    /// right for horizons longer than L days when factor returns are serially correlated; for a one-day horizon it only
    /// adds estimation noise, hence the default 0.
    /// </summary>
    public int FactorNeweyWestLags { get; init; }

    /// <summary>Half-life of the exponential weights of specific variances.</summary>
    public int SpecificHalfLife { get; init; } = 42;

    /// <summary>Newey-West lags of specific variances (0 = none; see <see cref="FactorNeweyWestLags"/>).</summary>
    public int SpecificNeweyWestLags { get; init; }

    /// <summary>A day enters the fit only when every style factor has a descriptor for at least this share of the universe.</summary>
    public double MinimumCoverage { get; init; } = 0.5;

    /// <summary>Residuals beyond this many current specific volatilities are clipped before entering the estimate (0 = never).</summary>
    public double SpecificTrim { get; init; } = 4.0;

    /// <summary>Apply the eigenfactor risk adjustment (Menchero, Wang and Orr 2011) to the factor covariance.</summary>
    public bool Eigenfactor { get; init; }

    /// <summary>Monte Carlo simulations per eigenfactor bias estimate.</summary>
    public int EigenSimulations { get; init; } = 100;

    /// <summary>Scale a of the eigenfactor adjustment: gamma = a (lambda - 1) + 1.</summary>
    public double EigenScale { get; init; } = 1.4;

    /// <summary>Sessions between eigenfactor bias estimates (the eigenvectors are those of each day).</summary>
    public int EigenEvery { get; init; } = 21;

    /// <summary>Apply the volatility regime adjustment to factor and specific risk.</summary>
    public bool VolatilityRegimeAdjustment { get; init; }

    /// <summary>Half-life of the cross-sectional bias statistics the regime adjustment averages.</summary>
    public int VraHalfLife { get; init; } = 42;

    /// <summary>Bayesian shrinkage intensity q of specific volatilities towards their size group's mean.</summary>
    public double ShrinkageIntensity { get; init; } = 0.1;

    /// <summary>Size groups (deciles by default) for the shrinkage.</summary>
    public int SizeGroups { get; init; } = 10;

    /// <summary>Below this many residuals a stock's specific risk is purely structural.</summary>
    public int StructuralMinObservations { get; init; } = 60;

    /// <summary>From this many residuals a stock's specific risk is purely its own history.</summary>
    public int StructuralFullObservations { get; init; } = 180;

    /// <summary>Regressions before the first forecast.</summary>
    public int WarmUpSessions { get; init; } = 63;

    /// <summary>Seed of the eigenfactor simulations (forecasts are reproducible).</summary>
    public ulong Seed { get; init; } = 20_110_101;

    public void Validate()
    {
        if (VolatilityHalfLife < 1 || CorrelationHalfLife < 1 || SpecificHalfLife < 1 || VraHalfLife < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(VolatilityHalfLife), "half-lives must be at least one session.");
        }

        if (FactorNeweyWestLags is < 0 or > 10 || SpecificNeweyWestLags is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(FactorNeweyWestLags), "Newey-West lags must be between 0 and 10.");
        }

        if (EigenSimulations < 10 || EigenEvery < 1 || EigenScale < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EigenSimulations), "eigenfactor adjustment needs >= 10 simulations, a positive interval and a non-negative scale.");
        }

        if (ShrinkageIntensity < 0 || SizeGroups < 1 || StructuralMinObservations < 2 || StructuralFullObservations <= StructuralMinObservations || WarmUpSessions < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(ShrinkageIntensity), "shrinkage >= 0, size groups >= 1, structural observations 2 <= min < full, warm-up >= 10.");
        }
    }
}
