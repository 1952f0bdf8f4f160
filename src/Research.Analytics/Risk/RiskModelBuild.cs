using Research.Analytics.Factors;
using Research.Data.Warehouse;

namespace Research.Analytics.Risk;

/// <summary>
/// Fits the risk model with its default options over the warehouse's whole CRSP history (exposures from the month ends
/// from a year in, so each has a year of returns behind it) and publishes it: what <c>research risk fit</c> does with
/// no options, for callers without a command line (the demo seed of <c>research up</c>, test platforms).
/// </summary>
public static class RiskModelBuild
{
    /// <summary>Datasets the panel is read from; compustat/quarterly and ccm/links join when present (value and quality styles).</summary>
    public static readonly string[] PanelDatasets = ["crsp/daily", "crsp/names"];

    public static readonly string[] FundamentalDatasets = ["compustat/quarterly", "ccm/links"];

    public static async Task<IReadOnlyList<DatasetManifest>> FitAndPublishAsync(WarehouseLayout layout, string by, TimeProvider clock, IProgress<(string Stage, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var catalog = new WarehouseCatalog(layout);
        var datasets = PanelDatasets.Concat(FundamentalDatasets.Where(d => catalog.ReadCurrent(d) is not null)).ToList();
        var model = await Task.Run(() =>
        {
            using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, datasets);
            DateOnly first, last;
            using (var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily"))
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                if (reader.IsDBNull(0))
                {
                    throw new InvalidOperationException("crsp/daily is empty: nothing to fit a risk model on.");
                }

                (first, last) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
            }

            var start = first.AddMonths(13);
            if (start > last)
            {
                throw new InvalidOperationException($"crsp/daily runs {first:yyyy-MM-dd}..{last:yyyy-MM-dd}: less than the 13 months a risk fit needs.");
            }

            var panel = EquityPanelLoader.Load(session, first, last);
            var monthEnds = panel.MonthEnds().Where(t => panel.Dates[t] >= start.AddMonths(-1)).ToArray();
            var exposures = FactorBuilder.Build(panel, monthEnds, new FactorBuildOptions(), progress is null ? null : new Progress(f => progress.Report(("exposures", f))));
            return RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], null, progress, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
        return await RiskModelStore.PublishAsync(layout, model, by, clock, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
