using System.Globalization;
using System.Text.Json;
using Research.Backtesting.Overfitting;

namespace Research.Backtesting.Signals;

/// <summary>
/// A sweep's evaluated variants as trial-ledger rows: the parameters in the shape <c>research alpha evaluate</c> records
/// (so the same evaluation has the same trial key), the data versions the sweep pinned, and an id per job and variant
/// (<c>JOB/N</c>), so recording again after a silo's loss does not add rows. Failed variants are not trials.
/// </summary>
public static class SignalSweepTrials
{
    /// <summary>The universe every signal evaluation uses (the trial ledger records it).</summary>
    public const string Universe = "CRSP common stock (share codes 10/11) on NYSE, AMEX and NASDAQ with a return on the date";

    public static IReadOnlyList<(string TrialId, SignalTrial Trial)> Of(string jobId, string question, string requestedBy, SignalSweepRequest request,
        IReadOnlyDictionary<string, string> dataVersions, SignalSweepSummary summary, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataVersions);
        ArgumentNullException.ThrowIfNull(summary);
        var parameters = JsonSerializer.Serialize(new { horizons = request.Horizons, quantiles = request.Quantiles, maxDrop = request.MaxDropShare, every = request.Every, industryNeutral = false });
        var versions = JsonSerializer.Serialize(new SortedDictionary<string, string>(dataVersions.ToDictionary(), StringComparer.Ordinal));
        return [.. summary.Variants.Where(v => v.Error is null).Select(v => (
            string.Create(CultureInfo.InvariantCulture, $"{jobId}/{v.Index}"),
            new SignalTrial(SignalTrialCorrections.Key(v.Sha256, parameters, request.From, request.To, versions), question, Analytics.Alpha.Signals.SignalDefinition.Parse(v.Definition, v.Name).Id, v.Sha256, v.Definition, parameters,
                request.From, request.To, Universe, versions, SignalSweepPlan.Statistics(v), v.PValue, v.SpreadSharpe, request.Horizons[0], v.Periods, v.Skewness, v.Kurtosis,
                requestedBy, at)))];
    }
}
