using Research.Analytics.Risk;
using Research.Data.Synthetic;
using Research.Data.Warehouse;

namespace Research.Analytics.Tests.Factors;

/// <summary>
/// Acceptance on the synthetic market: the fitted model recovers the planted factor returns and share of variance,
/// and its forecasts are unbiased out of sample. Comparisons start 13 months in, once every style's descriptor exists
/// (momentum needs 12 months of returns, quality four reported quarters).
/// </summary>
public sealed class RiskModelSyntheticTests(SyntheticRiskFixture fixture) : IClassFixture<SyntheticRiskFixture>
{
    private static DateOnly EvaluationStart => new(SyntheticRiskFixture.Options.StartYear + 1, 2, 1);

    [Fact]
    public void Estimated_style_factor_returns_correlate_with_the_planted_ones_at_0_95_or_more()
    {
        var model = fixture.Model;
        var lines = new List<string>();
        var failures = new List<string>();
        for (var k = 0; k < model.K; k++)
        {
            var planted = Array.IndexOf(fixture.Truth.FactorNames, model.Factors[k]);
            Assert.True(planted >= 0, $"model factor {model.Factors[k]} has no planted counterpart");
            var estimated = new List<double>();
            var truth = new List<double>();
            for (var d = 0; d < model.Dates.Length; d++)
            {
                if (model.Dates[d] >= EvaluationStart && double.IsFinite(model.FactorReturns[d * model.K]))
                {
                    estimated.Add(model.FactorReturns[(d * model.K) + k]);
                    truth.Add(fixture.Truth.FactorReturns[model.Dates[d]][planted]);
                }
            }

            var correlation = SyntheticTruth.Correlation(estimated, truth);
            lines.Add($"{model.Factors[k]}: {correlation:F4} over {estimated.Count} days");
            if (k >= model.FirstStyle && !(correlation >= 0.95))
            {
                failures.Add(model.Factors[k]);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", lines));
        Assert.True(failures.Count == 0, $"styles below 0.95: {string.Join(", ", failures)}\n{string.Join("\n", lines)}");
        Assert.Equal(SyntheticFactorModel.Styles, model.Factors.Skip(model.FirstStyle));
    }

    [Fact]
    public void Mean_cross_sectional_r_squared_is_within_0_03_of_the_planted_share_of_variance()
    {
        var model = fixture.Model;
        var panel = model.Panel;
        var truth = fixture.Truth;
        var n = panel.Assets;
        var estimated = new List<double>();
        var planted = new List<double>();
        for (var d = 0; d < model.Dates.Length; d++)
        {
            if (model.Dates[d] < EvaluationStart || !double.IsFinite(model.RSquared[d]))
            {
                continue;
            }

            // The same universe and weights as the regression: the snapshot before t, sqrt(cap at t-1).
            var t = model.Sessions[d];
            var snapshot = model.Exposures.Snapshots[model.Exposures.SnapshotBefore(t)];
            var f = truth.FactorReturns[panel.Dates[t]];
            var rows = new List<(double W, double R, double E)>();
            foreach (var i in snapshot.Assets)
            {
                var r = panel.Returns[(t * n) + i];
                var exposure = truth.ExposureOn(panel.Ids[i], panel.Dates[t]);
                if (double.IsNaN(r) || exposure is not { } x)
                {
                    continue;
                }

                var systematic = f[0] + f[1 + x.Industry];
                for (var s = 0; s < 5; s++)
                {
                    systematic += x.Styles[s] * f[11 + s];
                }

                rows.Add((Math.Sqrt(panel.MarketCap[((t - 1) * n) + i]), r, r - systematic));
            }

            var mean = rows.Sum(x => x.W * x.R) / rows.Sum(x => x.W);
            planted.Add(1 - (rows.Sum(x => x.W * x.E * x.E) / rows.Sum(x => x.W * (x.R - mean) * (x.R - mean))));
            estimated.Add(model.RSquared[d]);
        }

        var gap = estimated.Average() - planted.Average();
        TestContext.Current.TestOutputHelper?.WriteLine($"mean R² estimated {estimated.Average():F4}, planted {planted.Average():F4}, gap {gap:F4} over {estimated.Count} days");
        Assert.True(Math.Abs(gap) <= 0.03, $"mean R² estimated {estimated.Average():F4} vs planted {planted.Average():F4} (gap {gap:F4})");
    }

    [Fact]
    public void Bias_statistics_of_100_random_long_only_portfolios_over_two_years_out_of_sample_lie_in_0_9_to_1_1_for_at_least_90()
    {
        var model = fixture.Model;
        var window = 504;
        var first = model.Dates.Length - window;
        var stats = RiskModelEvaluation.RandomPortfolioBiasStatistics(model, first, model.Dates.Length - 1, portfolios: 100, stocks: 50, seed: 2024);
        var inside = stats.Count(b => b is >= 0.9 and <= 1.1);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"bias statistics over {model.Dates[first]:yyyy-MM-dd}..{model.Dates[^1]:yyyy-MM-dd}: {inside}/100 in [0.9, 1.1]; min {stats.Min():F3}, median {stats.Order().ElementAt(50):F3}, max {stats.Max():F3}");
        Assert.True(inside >= 90, $"{inside}/100 bias statistics in [0.9, 1.1]; min {stats.Min():F3}, median {stats.Order().ElementAt(50):F3}, max {stats.Max():F3}");
    }

    [Fact]
    public async Task A_stored_fit_reads_back_the_same_forecast_and_a_half_published_fit_is_refused()
    {
        var model = fixture.Model;
        var ct = TestContext.Current.CancellationToken;
        await RiskModelStore.PublishAsync(fixture.Layout, model, "tests", TimeProvider.System, ct);
        var d = model.Dates.Length - 300;
        using (var session = WarehouseQuerySession.Open(fixture.Layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        {
            var stored = RiskModelStore.LoadAt(session, model.Dates[d].AddDays(1) is var next && model.Dates[d + 1] > next ? next : model.Dates[d]);
            Assert.Equal(model.Dates[d], stored.Date);
            Assert.Equal(model.Factors, stored.Factors);
            for (var a = 0; a < model.K; a++)
            {
                for (var b = 0; b < model.K; b++)
                {
                    Assert.Equal(model.Covariance[d]![(a * model.K) + b], stored.Covariance[a][b]);
                }
            }

            var specific = model.Specific[d]!;
            foreach (var a in new[] { 0, specific.Assets.Length / 2, specific.Assets.Length - 1 })
            {
                var permno = model.Panel.Ids[specific.Assets[a]];
                Assert.Equal(specific.Variance[a], stored.SpecificVariance[permno]);
                Assert.Equal(model.Loadings(model.Sessions[d], specific.Assets[a]), stored.Loadings[permno]);
            }

            var history = RiskModelStore.FactorReturns(session, model.Dates[0], model.Dates[^1]);
            Assert.Equal(model.Dates.Length, history.Dates.Length);
        }

        // A later fit that stopped after publishing only its factor returns: readers refuse the mix, naming it.
        await DerivedDatasets.PublishAsync(fixture.Layout, TimeProvider.System, "tests", "interrupted fit", "0000000000000000",
            [new DerivedTable("risk/factor_returns", [ParquetColumnSpec.Of<DateOnly>("date")], [new[] { model.Dates[0] }])], ct);
        using (var session = WarehouseQuerySession.Open(fixture.Layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        {
            var error = Assert.Throws<InvalidOperationException>(() => RiskModelStore.LoadAt(session, model.Dates[^1]));
            Assert.Contains("different runs", error.Message, StringComparison.Ordinal);
            Assert.Contains("risk/factor_returns@0000000000000000", error.Message, StringComparison.Ordinal);
        }

        await RiskModelStore.PublishAsync(fixture.Layout, model, "tests", TimeProvider.System, ct);
    }
}
