namespace Research.Data.Fetching;

/// <summary>
/// How a candidate source (Yahoo) agrees with a reference (CRSP) for one symbol; see <see cref="SourceReconciliation"/>.
/// </summary>
/// <param name="ReturnCorrelation">Pearson correlation of total returns on the dates both have (null below 3 pairs).</param>
/// <param name="MeanAbsoluteReturnDifference">Mean |ret_candidate - ret_reference| over those dates.</param>
/// <param name="LargestReturnDifferences">The dates where the returns differ most (at most 10, above <see cref="SourceReconciliation.ReturnTolerance"/>).</param>
/// <param name="PriceRatios">Candidate close / reference close between consecutive reference splits: the ratio should be flat within each span (1 / the splits after it for Yahoo's split-adjusted closes).</param>
public sealed record ReconciliationReport(
    string Symbol,
    string Reference,
    string Candidate,
    int CommonDates,
    IReadOnlyList<DateOnly> OnlyInReference,
    IReadOnlyList<DateOnly> OnlyInCandidate,
    double? ReturnCorrelation,
    double MeanAbsoluteReturnDifference,
    IReadOnlyList<(DateOnly Date, double Reference, double Candidate)> LargestReturnDifferences,
    IReadOnlyList<CorporateActionMatch> Splits,
    IReadOnlyList<CorporateActionMatch> Dividends,
    IReadOnlyList<PriceRatioSpan> PriceRatios)
{
    /// <summary>Whether the two agree: every date and action on both sides, returns within tolerance, flat price ratios.</summary>
    public bool Agrees => OnlyInReference.Count == 0 && OnlyInCandidate.Count == 0 && LargestReturnDifferences.Count == 0
        && Splits.All(s => s.Matched) && Dividends.All(d => d.Matched) && PriceRatios.All(p => p.Flat);
}

/// <summary>A corporate action on either side: matched when both have it on the same date with values within tolerance.</summary>
/// <param name="Reference">The reference's value (split ratio, or dividend per share as traded), or null when it has none.</param>
/// <param name="Candidate">The candidate's value, on its own price basis, or null.</param>
/// <param name="Comparable">The candidate's value on the reference's basis (a dividend times the later splits), or null.</param>
public sealed record CorporateActionMatch(DateOnly Date, double? Reference, double? Candidate, double? Comparable, bool Matched);

/// <summary>The candidate/reference close ratio over a span between reference splits.</summary>
public sealed record PriceRatioSpan(DateOnly First, DateOnly Last, double Median, double Min, double Max, bool Flat);
