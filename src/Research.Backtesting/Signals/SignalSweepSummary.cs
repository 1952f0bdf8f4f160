using Research.Analytics.Alpha;

namespace Research.Backtesting.Signals;

/// <summary>
/// A sweep's result (the job's metrics document): every variant in grid order, with the first horizon's rank IC p-value
/// adjusted for all the sweep's evaluated variants by Holm and by Benjamini-Hochberg. The ledger's corrections, which
/// count every trial of the research question, are applied when the trials are recorded.
/// </summary>
public sealed record SignalSweepSummary(DateOnly From, DateOnly To, int Every, IReadOnlyList<int> Horizons, int Quantiles, IReadOnlyList<SweepVariant> Variants,
    IReadOnlyList<double> Holm, IReadOnlyList<double> BenjaminiHochberg)
{
    /// <summary>Variants that could not be evaluated.</summary>
    public int Failed => Variants.Count(v => v.Error is not null);

    /// <summary>The evaluated variant with the largest first-horizon rank IC t-statistic in absolute value, or null.</summary>
    public SweepVariant? Best => Variants.Where(v => v.Error is null && double.IsFinite(v.Horizons[0].RankIc.NeweyWestT))
        .OrderByDescending(v => Math.Abs(v.Horizons[0].RankIc.NeweyWestT)).ThenBy(v => v.Index).FirstOrDefault();

    public static SignalSweepSummary Of(SignalSweepRequest request, IReadOnlyList<SweepVariant> variants)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(variants);
        var evaluated = variants.Where(v => v.Error is null).ToList();
        var holm = MultipleTesting.Adjust([.. evaluated.Select(v => v.PValue)], MultipleTestingMethod.Holm);
        var bh = MultipleTesting.Adjust([.. evaluated.Select(v => v.PValue)], MultipleTestingMethod.BenjaminiHochberg);
        var position = evaluated.Select((v, k) => (v.Index, k)).ToDictionary(p => p.Index, p => p.k);
        return new SignalSweepSummary(request.From, request.To, request.Every, request.Horizons, request.Quantiles, variants,
            [.. variants.Select(v => position.TryGetValue(v.Index, out var k) ? holm[k] : double.NaN)],
            [.. variants.Select(v => position.TryGetValue(v.Index, out var k) ? bh[k] : double.NaN)]);
    }
}
