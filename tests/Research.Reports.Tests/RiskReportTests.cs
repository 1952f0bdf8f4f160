using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Research.Analytics.Risk;
using Research.Backtesting.Jobs;
using Research.Backtesting.Results;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;
using UglyToad.PdfPig;

namespace Research.Reports.Tests;

/// <summary>
/// The risk report on a small synthetic market with a fitted risk model and a stored momentum backtest: its volatility
/// equals √(wᵀ(XFXᵀ + S)w) computed here from the stored forecast, its VaR the normal quantile of it, its versions
/// name the backtest's and the model's datasets, it matches its golden page, and its PDF's text carries the headlines.
/// </summary>
public sealed class RiskReportTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 7, 30, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("risk-report");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_risk_report_measures_a_backtests_last_positions_as_the_stored_model_says_and_matches_its_golden_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 31, 22, 0, 0, TimeSpan.Zero));
        var layout = new WarehouseLayout(Path.Combine(_dir.Path, "warehouse"));
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 40, Years = 2, EndYear = 2024, Seed = 5, IntradaySymbols = 0 });
        var manager = new SyncManager(layout, clock);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting", "famafrench/factors_daily" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await RiskModelBuild.FitAndPublishAsync(layout, "tests", clock, cancellationToken: ct);
        var request = new BacktestRequest { Strategy = "momentum", From = new DateOnly(2024, 3, 1), To = new DateOnly(2024, 12, 31) };
        var run = BacktestRunner.Run(layout, request, BacktestRunner.CurrentVersions(layout, request), cancellationToken: ct);
        var series = new BacktestSeriesStore(Path.Combine(_dir.Path, "series"));
        var stored = await series.WriteBacktestAsync("bt-risk", run, ct);
        var index = new MemoryResultIndex();
        await index.RecordAsync(new StoredResult("bt-risk", "backtest", "momentum", "ann", "{}", ResultDocuments.Serialize(run.DataVersions), "{}", "", stored.Folder, stored.Sha256,
            new DateTimeOffset(2026, 1, 2, 9, 0, 0, TimeSpan.Zero), Pinned: false, Starred: false), ct);

        var settings = new RiskDashboardSettings { MonteCarloPaths = 20_000 };
        var report = await RiskReport.BuildAsync(layout, series, index, "bt-risk", At, clock, settings, ct);

        // The stored forecast of the positions' date, by hand: σ² = wᵀX F Xᵀw + Σ w² s.
        var (date, positions) = await series.ReadPositionsOnAsync("bt-risk", null, ct);
        StoredForecast forecast;
        using (var session = RiskDashboardRun.Open(layout, clock))
        {
            forecast = RiskModelStore.LoadAt(session, date!.Value);
        }

        var k = forecast.Factors.Count;
        var x = new double[k];
        var specific = 0.0;
        foreach (var (permno, weight) in positions)
        {
            var loadings = forecast.Loadings[permno];
            for (var f = 0; f < k; f++)
            {
                x[f] += weight * loadings[f];
            }

            specific += weight * weight * forecast.SpecificVariance[permno];
        }

        var systematic = 0.0;
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                systematic += x[a] * forecast.Covariance[a][b] * x[b];
            }
        }

        var sigma = Math.Sqrt(systematic + specific);
        Assert.Equal($"Volatility: {(sigma * Math.Sqrt(252)).ToString("P2", CultureInfo.InvariantCulture)} annualised ({sigma.ToString("P3", CultureInfo.InvariantCulture)} a day)", report.Highlights[0]);
        Assert.Equal($"VaR 99% (parametric, one day): {(2.3263478740408408 * sigma).ToString("P2", CultureInfo.InvariantCulture)}", report.Highlights[2]);
        Assert.Equal(ReportTemplates.Risk, report.Template);
        Assert.Equal("bt-risk", report.Subject);
        foreach (var dataset in RiskModelStore.Datasets.Append("crsp/daily"))
        {
            Assert.True(report.DataVersions.ContainsKey(dataset), $"{dataset} is among the versions: {string.Join(", ", report.DataVersions.Keys)}");
        }

        Assert.Contains($"Positions of {date:yyyy-MM-dd} (the latest the run stored), {positions.Count} stocks", report.Html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"factor-bars\"", report.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", report.Html, StringComparison.OrdinalIgnoreCase);
        Golden.Check("risk.html", report.Html);

        // A job without a stored result, and a warehouse without a model, are refused by name.
        Assert.Contains("job 'bt-none' has no stored result", (await Assert.ThrowsAsync<ArgumentException>(() => RiskReport.BuildAsync(layout, series, index, "bt-none", At, clock, settings, ct))).Message, StringComparison.Ordinal);
        var bare = new WarehouseLayout(Path.Combine(_dir.Path, "bare"));
        Assert.Contains("No stored risk model", (await Assert.ThrowsAsync<ArgumentException>(() => RiskReport.BuildAsync(bare, series, index, "bt-risk", At, clock, settings, ct))).Message, StringComparison.Ordinal);

        // Printed in Chromium: the PDF's text carries each headline's figure.
        var chromium = TestEnvironment.RequireChromium();
        var pdf = await new PdfPrinter(chromium).PrintAsync(report.Html, ct);
        using var document = PdfDocument.Open(pdf);
        var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("bt-risk", text, StringComparison.Ordinal);
        Assert.Contains((sigma * Math.Sqrt(252)).ToString("P2", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal), text.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
