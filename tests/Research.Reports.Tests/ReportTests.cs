using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Research.Backtesting.Results;
using Research.Core.Calendars;
using Research.Data.Quality;
using Research.Data.Warehouse;
using Research.Testing;
using UglyToad.PdfPig;

namespace Research.Reports.Tests;

/// <summary>
/// The report templates against golden pages (a change of content fails until the golden file is regenerated and
/// reviewed), their figures against hand computations, the PDF's text as printed by the system Chromium, and the archive.
/// Regenerate the golden pages: <c>RESEARCH_REGENERATE_REPORTS=1 dotnet test tests/Research.Reports.Tests</c> (the run fails, naming what it wrote).
/// </summary>
public sealed class ReportTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 7, 30, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("reports");

    public void Dispose() => _dir.Dispose();

    /// <summary>A deterministic daily series over 2023's NYSE sessions: a small drift and a seven-session wave.</summary>
    private static (DateOnly[] Dates, double[] Returns) Series()
    {
        var dates = NyseCalendar.Instance.Sessions(new DateOnly(2023, 1, 3), new DateOnly(2023, 12, 29)).ToArray();
        return (dates, [.. dates.Select((_, t) => 0.0004 + (0.01 * Math.Sin(t * 2 * Math.PI / 7)) + (0.002 * Math.Cos(t * 0.37)))]);
    }

    private async Task<(BacktestSeriesStore Series, MemoryResultIndex Index)> StoredAsync(CancellationToken ct)
    {
        var (dates, returns) = Series();
        var series = new BacktestSeriesStore(Path.Combine(_dir.Path, "series"));
        var stored = await series.WriteWalkForwardAsync("wf-golden", dates, returns, [], ct);
        var index = new MemoryResultIndex();
        await index.RecordAsync(new StoredResult("wf-golden", "walk-forward", "momentum walk-forward", "ann", "{}", "{\"crsp/daily\":\"v20251231T220000000Z\"}", "{}", "", stored.Folder, stored.Sha256,
            new DateTimeOffset(2026, 1, 2, 9, 0, 0, TimeSpan.Zero), Pinned: false, Starred: false), ct);
        return (series, index);
    }

    [Fact]
    public async Task A_backtest_report_carries_the_hand_computed_figures_and_the_data_versions_and_matches_its_golden_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var (series, index) = await StoredAsync(ct);
        var report = await BacktestReport.BuildAsync(new WarehouseLayout(Path.Combine(_dir.Path, "warehouse")), series, index, "wf-golden", At, ct);

        var (_, r) = Series();
        var mean = r.Average();
        var sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1));
        var sharpe = mean / sd * Math.Sqrt(252);
        var total = r.Aggregate(1.0, (w, x) => w * (1 + x)) - 1;
        Assert.Contains($"Sharpe (excess of rf, annual): {sharpe.ToString("F2", CultureInfo.InvariantCulture)}", report.Highlights);
        Assert.Contains($"Total return: {(100 * total).ToString("F2", CultureInfo.InvariantCulture)} %", report.Highlights);
        Assert.Equal("v20251231T220000000Z", report.DataVersions["crsp/daily"]);
        Assert.Contains("<td>crsp/daily</td><td>v20251231T220000000Z</td>", report.Html, StringComparison.Ordinal);
        Assert.Contains("No benchmark:", report.Html, StringComparison.Ordinal); // no Fama-French version recorded: said, not hidden
        Golden.Check("backtest.html", report.Html);
    }

    [Fact]
    public async Task A_data_quality_report_lists_each_dataset_its_failed_checks_and_the_version_held_back_and_matches_its_golden_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 4, 22, 0, 0, TimeSpan.Zero));
        var layout = new WarehouseLayout(Path.Combine(_dir.Path, "warehouse"));
        var publisher = new DatasetPublisher(layout, clock);
        async Task PublishAsync(string dataset, long rows, bool quarantine, params ValidationFinding[] validation)
        {
            await ManifestOnlyVersions.PublishAsync(publisher, _dir.Path, dataset, rows, quarantine, validation, ct);
            clock.Advance(TimeSpan.FromHours(1));
        }

        await PublishAsync("crsp/daily", 1000, false, new ValidationFinding("crsp/daily", null, "row-count", true, "1000 rows"));
        await PublishAsync("famafrench/factors_daily", 250, false, new ValidationFinding("famafrench/factors_daily", "rf", "nulls", false, "3 nulls (1.2%, at most 0%)"));
        await PublishAsync("crsp/daily", 400, true, new ValidationFinding("crsp/daily", null, "row-drop", false, "400 rows vs 1000 in the parent version (60.0% fewer, at most 20%)"));

        var report = DataQualityReport.Build(layout, At);
        Assert.Equal(["2 dataset(s), 1,250 rows", "current versions with failed checks: famafrench/factors_daily", "newer versions held back by validation: crsp/daily"], report.Highlights);
        Assert.Equal(new Dictionary<string, string> { ["crsp/daily"] = "v20260104T220000000Z", ["famafrench/factors_daily"] = "v20260104T230000000Z" }, report.DataVersions);
        Assert.Contains("<td>v20260105T000000000Z</td><td>quarantined</td><td>row-drop</td>", report.Html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">9.5</td>", report.Html, StringComparison.Ordinal); // crsp/daily: published 22:00, reported 07:30 the next day
        Golden.Check("data-quality.html", report.Html);

        var empty = DataQualityReport.Build(new WarehouseLayout(Path.Combine(_dir.Path, "nothing")), At);
        Assert.Contains("The warehouse has no published dataset.", empty.Html, StringComparison.Ordinal);
        Assert.Equal("0 dataset(s), 0 rows", empty.Highlights[0]);
    }

    [Fact]
    public async Task The_pdf_printed_in_chromium_opens_and_its_text_carries_the_figures()
    {
        var ct = TestContext.Current.CancellationToken;
        var chromium = TestEnvironment.RequireChromium();
        var (series, index) = await StoredAsync(ct);
        var report = await BacktestReport.BuildAsync(new WarehouseLayout(Path.Combine(_dir.Path, "warehouse")), series, index, "wf-golden", At, ct);
        var pdf = await new PdfPrinter(chromium).PrintAsync(report.Html, ct);

        using var document = PdfDocument.Open(pdf);
        var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.True(document.NumberOfPages >= 2, $"{document.NumberOfPages} page(s)");
        Assert.Contains("Backtest wf-golden", text, StringComparison.Ordinal);
        foreach (var line in report.Highlights)
        {
            var value = line[(line.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
            Assert.Contains(value, text, StringComparison.Ordinal);
        }

        Assert.Contains("v20251231T220000000Z", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_chromium_the_pdf_is_refused_with_the_reason()
    {
        var missing = Path.Combine(_dir.Path, "no-chromium");
        var error = await Assert.ThrowsAsync<ReportPrintException>(() => new PdfPrinter(missing).PrintAsync("<p>x</p>", TestContext.Current.CancellationToken));
        Assert.Equal($"Chromium was not found at {missing} (Research:Reports:Chromium).", error.Message);
    }

    [Fact]
    public async Task The_archive_publishes_whole_reports_newest_first_and_refuses_bad_ids_and_missing_files_by_name()
    {
        var ct = TestContext.Current.CancellationToken;
        using var archive = new ReportArchive(Path.Combine(_dir.Path, "reports"));
        ReportDocument Document(DateTimeOffset at, string template) => new(template, template == ReportTemplates.DataQuality ? null : "bt-1", "T " + at.Hour, at, new Dictionary<string, string> { ["crsp/daily"] = "v1" }, ["x"], "<p>page</p>");
        var first = await archive.StoreAsync(Document(At, ReportTemplates.DataQuality), null, "no Chromium here", "manual", "ann", ct);
        var second = await archive.StoreAsync(Document(At.AddHours(1), ReportTemplates.Backtest), "%PDF-1.4 ..."u8.ToArray(), null, "schedule weekly", "scheduler", ct);

        Assert.Equal([second.Id, first.Id], archive.List().Select(r => r.Id));
        Assert.Equal([first.Id], archive.List(template: ReportTemplates.DataQuality).Select(r => r.Id));
        Assert.Equal("<p>page</p>", System.Text.Encoding.UTF8.GetString(await archive.ReadAsync(first.Id, "html", ct)));
        var noPdf = await Assert.ThrowsAsync<ArgumentException>(() => archive.ReadAsync(first.Id, "pdf", ct));
        Assert.Contains("has no pdf: no Chromium here", noPdf.Message, StringComparison.Ordinal);
        Assert.Contains("is not a report id", Assert.Throws<ArgumentException>(() => archive.Get("../../etc")).Message, StringComparison.Ordinal);
        Assert.Contains("is not html or pdf", (await Assert.ThrowsAsync<ArgumentException>(() => archive.ReadAsync(second.Id, "docx", ct))).Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(archive.Root, ".staging")));

        var delivered = await archive.RecordDeliveriesAsync(second.Id, [new ReportDelivery("ops-mail", At, true, 1, null, "ann")], ct);
        Assert.Equal("ops-mail", Assert.Single(archive.Get(second.Id)!.Deliveries).Channel);
        Assert.Equal(delivered.Deliveries, archive.Get(second.Id)!.Deliveries);
        Assert.Equal((second.Id, second.HtmlSha256, second.PdfSha256), (delivered.Id, delivered.HtmlSha256, delivered.PdfSha256));
    }

    [Theory]
    [InlineData("weekly", null, "template: 'weekly' is not one of backtest, strategy, data-quality, risk.")]
    [InlineData("risk", null, "subject: template 'risk' needs one: the job id of a stored result.")]
    [InlineData("backtest", null, "subject: template 'backtest' needs one: the job id of a stored result.")]
    [InlineData("strategy", " ", "subject: template 'strategy' needs one: a strategy name.")]
    [InlineData("data-quality", "crsp/daily", "subject: template 'data-quality' covers the whole warehouse and takes none (got 'crsp/daily').")]
    public void A_bad_template_or_subject_is_refused_naming_it(string template, string? subject, string expected) =>
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => ReportTemplates.Check(template, subject)).Message);

    [Fact]
    public async Task A_result_without_daily_returns_or_a_strategy_without_a_record_is_refused_by_name()
    {
        var ct = TestContext.Current.CancellationToken;
        var (series, index) = await StoredAsync(ct);
        await index.RecordAsync(new StoredResult("mc-1", "monte-carlo", "mc", "ann", "{}", "{}", "{}", "", "f", "s", At, false, false), ct);
        var layout = new WarehouseLayout(Path.Combine(_dir.Path, "warehouse"));
        Assert.Equal("subject: job 'mc-1' is a monte-carlo result; a tear sheet needs a backtest or walk-forward result with daily returns.",
            (await Assert.ThrowsAsync<ArgumentException>(() => BacktestReport.BuildAsync(layout, series, index, "mc-1", At, ct))).Message);
        Assert.Equal("subject: job 'nope' has no stored result.", (await Assert.ThrowsAsync<ArgumentException>(() => BacktestReport.BuildAsync(layout, series, index, "nope", At, ct))).Message);
        Assert.StartsWith("subject: strategy 'low-vol' has no stored backtest", (await Assert.ThrowsAsync<ArgumentException>(() => BacktestReport.BuildForStrategyAsync(layout, series, index, "low-vol", At, ct))).Message, StringComparison.Ordinal);
    }
}
