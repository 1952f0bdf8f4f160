namespace Research.Analytics.Attribution;

/// <summary>
/// One coefficient of an attribution: the loading, its Newey-West and HC3 standard errors and t, and what it
/// contributed to the annualised excess return (loading x mean factor return x sessions per year; for the alpha, the
/// alpha itself annualised).
/// </summary>
public sealed record FactorLoading(string Name, double Loading, double NeweyWestError, double NeweyWestT, double Hc3Error, double AnnualContribution);
