namespace Research.Analytics.Alpha;

/// <summary>
/// A signal against its forward returns at one horizon: the IC and rank IC series (per date) with their summaries, and
/// the quantile returns with the top-minus-bottom spread (see <see cref="SignalAnalytics"/> for the conventions).
/// </summary>
/// <param name="QuantileMeans">Mean forward return of each quantile (1 = lowest signal), averaged over dates.</param>
/// <param name="Spread">Mean of the per-date top-minus-bottom forward return.</param>
/// <param name="SpreadInterval">Spread ± 1.96 Newey-West standard errors (lag h − 1).</param>
public sealed record HorizonAnalytics(
    int Horizon,
    IReadOnlyList<DateOnly> Dates,
    IReadOnlyList<double> Ic,
    IReadOnlyList<double> RankIc,
    IcSummary IcSummary,
    IcSummary RankIcSummary,
    IReadOnlyList<double> QuantileMeans,
    double Spread,
    (double Low, double High) SpreadInterval,
    int Pairs,
    int DroppedForReturn)
{
    /// <summary>The top-minus-bottom forward return on each of <see cref="Dates"/> (an h-session return).</summary>
    public IReadOnlyList<double> SpreadByDate { get; init; } = [];
}
