using Research.Core.Statistics;

namespace Research.Data.Fetching;

/// <summary>
/// Reconciles a candidate source against a reference for one symbol (Yahoo against CRSP, where both exist):
/// 1. Dates: the sessions each has that the other lacks.
/// 2. Returns: on common dates with both total returns, their correlation, mean absolute difference and the dates that
///    differ by more than <see cref="ReturnTolerance"/> (largest first, at most 10).
/// 3. Splits: matched by date and ratio (within 1e-6). Dividends: matched by ex-date; the candidate's amount is brought
///    to the reference's basis by multiplying it by the reference's splits after the date (Yahoo adjusts dividends for
///    later splits), then must agree within <see cref="DividendTolerance"/> relative.
/// 4. Price ratio: candidate close / reference close, per span between reference splits; flat when max/min - 1 is below
///    <see cref="PriceRatioTolerance"/> (a split-adjusted series is a constant multiple of the traded one between splits).
/// </summary>
public static class SourceReconciliation
{
    /// <summary>Two daily returns further apart than this (0.1%) are reported.</summary>
    public const double ReturnTolerance = 0.001;

    /// <summary>Relative tolerance of a dividend amount (1%: vendors round to the cent).</summary>
    public const double DividendTolerance = 0.01;

    /// <summary>Relative spread of the price ratio within a span that still counts as flat (0.5%).</summary>
    public const double PriceRatioTolerance = 0.005;

    public static ReconciliationReport Compare(PriceHistory reference, PriceHistory candidate)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        var refBars = reference.Bars.Where(b => b.Close is not null || b.Ret is not null).GroupBy(b => b.Date).ToDictionary(g => g.Key, g => g.First());
        var candBars = candidate.Bars.GroupBy(b => b.Date).ToDictionary(g => g.Key, g => g.First());
        var common = refBars.Keys.Intersect(candBars.Keys).Order().ToList();

        var pairs = common.Where(d => refBars[d].Ret is not null && candBars[d].Ret is not null).Select(d => (Date: d, R: refBars[d].Ret!.Value, C: candBars[d].Ret!.Value)).ToList();
        var differences = pairs.Where(p => Math.Abs(p.C - p.R) > ReturnTolerance).OrderByDescending(p => Math.Abs(p.C - p.R)).Take(10).Select(p => (p.Date, p.R, p.C)).ToList();

        var refSplits = reference.Bars.Where(b => b.SplitRatio is not null).ToDictionary(b => b.Date, b => b.SplitRatio!.Value);
        var candSplits = candidate.Bars.Where(b => b.SplitRatio is not null).ToDictionary(b => b.Date, b => b.SplitRatio!.Value);
        var splits = refSplits.Keys.Union(candSplits.Keys).Order().Select(d =>
        {
            double? r = refSplits.TryGetValue(d, out var rv) ? rv : null, c = candSplits.TryGetValue(d, out var cv) ? cv : null;
            return new CorporateActionMatch(d, r, c, c, r is not null && c is not null && Math.Abs(r.Value - c.Value) < 1e-6);
        }).ToList();

        double LaterSplits(DateOnly date) => refSplits.Where(s => s.Key > date).Aggregate(1.0, (f, s) => f * s.Value);
        var refDividends = reference.Bars.Where(b => b.Dividend is not null).ToDictionary(b => b.Date, b => b.Dividend!.Value);
        var candDividends = candidate.Bars.Where(b => b.Dividend is not null).ToDictionary(b => b.Date, b => b.Dividend!.Value);
        var dividends = refDividends.Keys.Union(candDividends.Keys).Order().Select(d =>
        {
            double? r = refDividends.TryGetValue(d, out var rv) ? rv : null, c = candDividends.TryGetValue(d, out var cv) ? cv : null;
            double? comparable = c * LaterSplits(d);
            return new CorporateActionMatch(d, r, c, comparable, r is not null && comparable is not null && Math.Abs(comparable.Value - r.Value) <= DividendTolerance * Math.Abs(r.Value));
        }).ToList();

        var bounds = refSplits.Keys.Order().ToList();
        var ratios = common.Where(d => refBars[d].Close is > 0 && candBars[d].Close is > 0)
            .Select(d => (Date: d, Ratio: candBars[d].Close!.Value / refBars[d].Close!.Value, Span: bounds.Count(b => b <= d)))
            .GroupBy(r => r.Span)
            .Select(g =>
            {
                var values = g.Select(r => r.Ratio).Order().ToList();
                return new PriceRatioSpan(g.Min(r => r.Date), g.Max(r => r.Date), values[values.Count / 2], values[0], values[^1], (values[^1] / values[0]) - 1 < PriceRatioTolerance);
            })
            .ToList();

        return new ReconciliationReport(reference.Symbol, reference.Source, candidate.Source, common.Count,
            [.. refBars.Keys.Except(candBars.Keys).Order()], [.. candBars.Keys.Except(refBars.Keys).Order()],
            pairs.Count >= 3 ? Moments.Correlation([.. pairs.Select(p => p.R)], [.. pairs.Select(p => p.C)]) : null,
            pairs.Count == 0 ? 0 : pairs.Average(p => Math.Abs(p.C - p.R)),
            differences, splits, dividends, ratios);
    }
}
