namespace Research.Grains.Abstractions.Backtests;

/// <summary>
/// A stored run's daily returns attributed to a Fama-French model (<c>Research.Analytics.Attribution.ReturnAttribution</c>):
/// excess returns over the factors' risk-free rate regressed on the factors by OLS, with Newey-West and HC3 errors.
/// </summary>
/// <param name="Model">The model's wire name (capm, ff3, carhart4, ff5, ff5-momentum).</param>
/// <param name="Sessions">Sessions in the regression (<paramref name="Dropped"/> of the run's had no factor data).</param>
/// <param name="Loadings">Alpha (daily) first, then one row per factor.</param>
/// <param name="ResidualVolatility">Annualised standard deviation of the residuals.</param>
/// <param name="AnnualExcessReturn">Mean daily excess return x sessions per year: alpha plus the contributions.</param>
/// <param name="RollingWindow">Sessions per rolling fit; 0 when none was asked for.</param>
/// <param name="RollingLoadings">Per name in <paramref name="RollingNames"/> (alpha first), one loading per date in <paramref name="RollingDates"/>.</param>
/// <param name="FactorVersions">The factor datasets' versions used (the run's own pinned version where it has one).</param>
[GenerateSerializer, Immutable, Alias("research.backtests.AttributionView")]
public sealed record AttributionView(
    [property: Id(0)] string Model,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] int Sessions,
    [property: Id(4)] int Dropped,
    [property: Id(5)] LoadingRow[] Loadings,
    [property: Id(6)] double RSquared,
    [property: Id(7)] double AdjustedRSquared,
    [property: Id(8)] double ResidualVolatility,
    [property: Id(9)] double AnnualExcessReturn,
    [property: Id(10)] int NeweyWestLags,
    [property: Id(11)] int RollingWindow,
    [property: Id(12)] DateOnly[] RollingDates,
    [property: Id(13)] string[] RollingNames,
    [property: Id(14)] double[][] RollingLoadings,
    [property: Id(15)] TimingRow Timing,
    [property: Id(16)] IReadOnlyDictionary<string, string> FactorVersions);

/// <summary>One coefficient: its estimate, Newey-West and HC3 standard errors, the Newey-West t, and its contribution a year (loading x mean factor return x sessions per year; alpha x sessions per year).</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.LoadingRow")]
public sealed record LoadingRow(
    [property: Id(0)] string Name,
    [property: Id(1)] double Loading,
    [property: Id(2)] double NeweyWestError,
    [property: Id(3)] double NeweyWestT,
    [property: Id(4)] double Hc3Error,
    [property: Id(5)] double AnnualContribution);

/// <summary>Up- and down-market betas (market excess return above or below zero) and the Treynor-Mazuy and Henriksson-Merton timing coefficients.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.TimingRow")]
public sealed record TimingRow(
    [property: Id(0)] double UpBeta,
    [property: Id(1)] double UpBetaError,
    [property: Id(2)] double DownBeta,
    [property: Id(3)] double DownBetaError,
    [property: Id(4)] double TreynorMazuyGamma,
    [property: Id(5)] double TreynorMazuyT,
    [property: Id(6)] double HenrikssonMertonGamma,
    [property: Id(7)] double HenrikssonMertonT,
    [property: Id(8)] int UpDays,
    [property: Id(9)] int DownDays);
