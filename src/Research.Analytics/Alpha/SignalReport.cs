namespace Research.Analytics.Alpha;

/// <summary>
/// A signal's analytics: per horizon (<see cref="HorizonAnalytics"/>), the decay of the mean rank IC across horizons with
/// its half-life, turnover of the top and bottom quantiles, rank autocorrelation, and coverage.
/// </summary>
/// <param name="HalfLife">Horizon (sessions) at which the mean rank IC falls to half its value at the shortest horizon,
/// by log-linear interpolation between the horizons evaluated; null when it does not within them (or the IC is not positive).</param>
/// <param name="TopTurnover">Mean share of the top quantile's names that were not in it on the previous date.</param>
/// <param name="RankAutocorrelation">Mean Spearman correlation of the signal with its previous date's values (common assets).</param>
/// <param name="SignalValues">Cells with a finite signal.</param>
/// <param name="MissingSignal">Cells with a return but no signal (not evaluated; reported).</param>
public sealed record SignalReport(
    IReadOnlyList<HorizonAnalytics> Horizons,
    double? HalfLife,
    double TopTurnover,
    double BottomTurnover,
    double RankAutocorrelation,
    int SignalValues,
    int MissingSignal)
{
    /// <summary>The report's summaries as one JSON-ready document (per horizon: counts, IC and rank IC summaries, quantiles, spread; not the per-date series).</summary>
    public object ToDocument() => new
    {
        horizons = Horizons.Select(h => new
        {
            h.Horizon,
            dates = h.Dates.Count,
            h.IcSummary,
            h.RankIcSummary,
            h.QuantileMeans,
            h.Spread,
            spreadLow = h.SpreadInterval.Low,
            spreadHigh = h.SpreadInterval.High,
            h.Pairs,
            h.DroppedForReturn,
        }),
        HalfLife,
        TopTurnover,
        BottomTurnover,
        RankAutocorrelation,
        SignalValues,
        MissingSignal,
    };
}
