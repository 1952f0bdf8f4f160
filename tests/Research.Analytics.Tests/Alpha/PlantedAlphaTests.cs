using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Analytics.Factors;
using Research.Analytics.Tests.Factors;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Alpha;

/// <summary>
/// The planted alpha, built as a signal through the normal path (synced warehouse, <see cref="SignalBuilder"/>), recovers
/// the IC the synthetic market planted. The planted IC is the mean cross-sectional Pearson correlation of the score at
/// t's close with the specific return of t + 1 over m_t sigma_i (docs/CONCEPTS/synthetic-market.md); the test rebuilds
/// that return from the truth files (return minus the planted factor part, over the planted scale) and evaluates the
/// signal against it. Tolerance (docs/CONCEPTS/alpha-research.md): one date's sample correlation of independent pairs has
/// a standard deviation of about 1/sqrt(N), and days are independent in the specific shocks, so the mean over T dates
/// errs by about 1/sqrt(pairs); four of those, plus 0.001 for what the truth does not take out (earnings jumps and
/// drift, distress and merger drifts, returns rounded to 6 decimals).
/// </summary>
public sealed class PlantedAlphaTests
{
    [Fact]
    public async Task The_planted_alphas_information_coefficient_is_recovered_within_the_derived_tolerance()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new SyntheticMarketOptions { Stocks = 500, Years = 3, EndYear = 2024, Seed = 19, IntradaySymbols = 0 };
        using var root = TestEnvironment.CreateTempDirectory("planted-alpha");
        var layout = new WarehouseLayout(root.Combine("data"));
        var source = new SyntheticSyncSource(layout, options);
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "truth/alpha" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        var market = Path.Combine(layout.StagingFolder, "synthetic-cache", source.OptionsHash);
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        var panel = EquityPanelLoader.Load(session, new DateOnly(options.StartYear, 1, 1), new DateOnly(options.EndYear, 12, 31));
        var planted = SignalPanel.FromRows(panel.Axes, SignalPanel.PlantedAlpha(session, panel.Dates[0], panel.Dates[^1])).Values;
        var signal = SignalBuilder.Build(new DescriptorContext(panel), BuiltInSignals.Find("planted_alpha")!, SignalBuilder.Sessions(panel, panel.Dates[0], 1),
            new Dictionary<string, double[]> { [SignalDescriptors.PlantedAlpha] = planted }, cancellationToken: ct);

        // The standardised specific return of every cell, from the truth files (independent of the code under test).
        var truth = SyntheticTruth.Read(market);
        var (multiplier, specificVol) = SyntheticTruth.ReadSpecificScale(market);
        var n = panel.Assets;
        var specific = panel.Axes.Missing();
        for (var t = 0; t < panel.Sessions; t++)
        {
            var factors = truth.FactorReturns[panel.Dates[t]];
            for (var i = 0; i < n; i++)
            {
                var r = panel.Returns[(t * n) + i];
                if (double.IsNaN(r) || truth.ExposureOn(panel.Ids[i], panel.Dates[t]) is not { } exposure)
                {
                    continue;
                }

                var systematic = factors[0] + factors[1 + exposure.Industry];
                for (var s = 0; s < 5; s++)
                {
                    systematic += exposure.Styles[s] * factors[11 + s];
                }

                specific[(t * n) + i] = (r - systematic) / (multiplier[panel.Dates[t]] * specificVol[panel.Ids[i]]);
            }
        }

        var report = SignalAnalytics.Evaluate(panel.Dates, n, signal.Values, specific, new SignalAnalyticsOptions([1]));
        var horizon = report.Horizons[0];
        var tolerance = (4 / Math.Sqrt(horizon.Pairs)) + 0.001;
        TestContext.Current.SendDiagnosticMessage($"planted IC {options.AlphaIc}, measured {horizon.IcSummary.Mean:F5} over {horizon.Pairs:N0} pairs (tolerance {tolerance:F4}); against total returns {SignalAnalytics.Evaluate(panel.Dates, n, signal.Values, panel.Returns, new SignalAnalyticsOptions([1])).Horizons[0].IcSummary.Mean:F5}");
        Assert.InRange(horizon.IcSummary.Mean, options.AlphaIc - tolerance, options.AlphaIc + tolerance);
        Assert.True(horizon.IcSummary.NeweyWestT > 5, $"t = {horizon.IcSummary.NeweyWestT}");

        // Every universe row is scored: the planted score exists for every security on every session it trades.
        Assert.Equal(signal.Stages[0].Rows, signal.Stages[^1].Rows);
    }
}
