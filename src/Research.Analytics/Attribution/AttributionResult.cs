namespace Research.Analytics.Attribution;

/// <summary>An attribution of one return series (see <see cref="ReturnAttribution"/>).</summary>
/// <param name="Dropped">Return dates left out for want of factor data (or a non-finite value).</param>
/// <param name="ResidualVolatility">Annualised standard deviation of the residuals (idiosyncratic risk).</param>
/// <param name="AnnualExcessReturn">Mean excess return x sessions per year: what the contributions add up to.</param>
public sealed record AttributionResult(
    AttributionModel Model,
    IReadOnlyList<DateOnly> Dates,
    int Dropped,
    IReadOnlyList<FactorLoading> Loadings,
    double RSquared,
    double AdjustedRSquared,
    double ResidualVolatility,
    double AnnualExcessReturn,
    int NeweyWestLags);
