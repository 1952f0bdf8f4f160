using Research.Core.Calendars;
using Research.Data.Quality;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;

namespace Research.Data.Tests.Quality;

/// <summary>NULL shares per column over versions, read from each version's own files; coverage gaps by calendar month.</summary>
public sealed class QualityHistoryTests
{
    private static async Task<DatasetManifest> PublishAsync(TestWarehouse w, double?[] prices, bool withVolume)
    {
        var staged = Path.Combine(w.Layout.StagingFolder, Guid.NewGuid().ToString("N"));
        List<ParquetColumnSpec> columns = [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.OfNullable<double>("prc")];
        List<Array> data = [Enumerable.Range(1, prices.Length).ToArray(), Enumerable.Repeat(new DateOnly(2024, 12, 31), prices.Length).ToArray(), prices];
        if (withVolume)
        {
            columns.Add(ParquetColumnSpec.Of<double>("vol"));
            data.Add(Enumerable.Repeat(100.0, prices.Length).ToArray());
        }

        await ParquetTableWriter.WriteFileAsync(Path.Combine(staged, "part-0.parquet"), columns, data);
        var manifest = await new DatasetPublisher(w.Layout, w.Clock).PublishAsync("crsp/daily", staged, new Dictionary<string, long> { ["part-0.parquet"] = prices.Length }, "test", "tests");
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        return manifest;
    }

    [Fact]
    public async Task Null_shares_come_from_each_versions_own_files_and_a_column_a_version_lacks_is_null()
    {
        using var w = new TestWarehouse();
        var v1 = await PublishAsync(w, [1, null, 3, 4], withVolume: false);
        var v2 = await PublishAsync(w, [null, null, 3, 4, 5], withVolume: true);
        var (columns, shares) = QualityHistory.NullShares(w.Layout, "crsp/daily", [v1, v2], w.Clock);
        Assert.Equal(["permno", "date", "prc", "vol"], columns);
        Assert.Equal([0.0, 0.0, 0.25, null], shares[0]);
        Assert.Equal([0.0, 0.0, 0.4, 0.0], shares[1]);
    }

    [Fact]
    public async Task A_version_whose_file_cannot_be_read_has_no_shares_and_the_others_still_do()
    {
        using var w = new TestWarehouse();
        var v1 = await PublishAsync(w, [1, null, 3, 4], withVolume: false);
        var v2 = await PublishAsync(w, [1, 2], withVolume: false);
        var file = Path.Combine(w.Layout.DatasetFolder("crsp/daily"), v2.Files[0].Path);
        File.SetAttributes(file, FileAttributes.Normal);
        await File.WriteAllBytesAsync(file, (await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken))[..40], TestContext.Current.CancellationToken); // truncated
        var (columns, shares) = QualityHistory.NullShares(w.Layout, "crsp/daily", [v1, v2], w.Clock);
        Assert.Equal(["permno", "date", "prc"], columns);
        Assert.Equal([0.0, 0.0, 0.25], shares[0]);
        Assert.Equal([null, null, null], shares[1]);
    }

    [Fact]
    public void The_calendar_counts_each_months_sessions_and_the_missing_ones()
    {
        // January and February 2024 without 10 January and 20-21 February (the 19th, Presidents' Day, is closed).
        var missing = new[] { new DateOnly(2024, 1, 10), new DateOnly(2024, 2, 20), new DateOnly(2024, 2, 21) };
        var days = NyseCalendar.Instance.Sessions(new DateOnly(2024, 1, 2), new DateOnly(2024, 2, 29)).Except(missing).Select(d => new CoverageDay(d, 1, 1)).ToList();
        var coverage = new DatasetCoverageResult("date", null, days[0].Date, days[^1].Date, CoverageFrequency.Daily, days, DatasetCoverage.Gaps(days, CoverageFrequency.Daily));
        Assert.Equal([new CoverageMonth(2024, 1, 21, 1), new CoverageMonth(2024, 2, 20, 2)], QualityHistory.Calendar(coverage));

        // Monthly data without April and May 2020: one period expected per month, those two missing.
        var months = new[] { 1, 2, 3, 6 }.Select(m => new CoverageDay(new DateOnly(2020, m, DateTime.DaysInMonth(2020, m)), 1, 1)).ToList();
        var monthly = new DatasetCoverageResult("date", null, months[0].Date, months[^1].Date, CoverageFrequency.Monthly, months, DatasetCoverage.Gaps(months, CoverageFrequency.Monthly));
        Assert.Equal([0, 0, 0, 1, 1, 0], QualityHistory.Calendar(monthly).Select(m => m.Missing));
        Assert.All(QualityHistory.Calendar(monthly), m => Assert.Equal(1, m.Expected));
    }
}
