using Research.Data.Providers.Compustat;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;

namespace Research.Data.Tests.Providers;

/// <summary>
/// A company that moves its fiscal year end from June to December files two annual rows with the same fiscal year
/// (Compustat's fyear is the calendar year in which the fiscal year mostly falls). The documented rule: among the
/// rows already known on the date, the later datadate wins.
/// </summary>
public sealed class CompustatFiscalYearChangeTests
{
    private static async Task PublishAnnualAsync(TestWarehouse w)
    {
        var staged = Path.Combine(w.Layout.StagingFolder, "fye");
        var writer = await ParquetTableWriter.CreateAsync(Path.Combine(staged, "part-0.parquet"),
        [
            ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<DateOnly>("datadate"), ParquetColumnSpec.Of<int>("fyear"), ParquetColumnSpec.Of<int>("fyr"),
            ParquetColumnSpec.Of<string>("indfmt"), ParquetColumnSpec.Of<string>("datafmt"), ParquetColumnSpec.Of<string>("popsrc"), ParquetColumnSpec.Of<string>("consol"),
            ParquetColumnSpec.Of<double>("at"),
        ], TestContext.Current.CancellationToken);
        await using (writer)
        {
            // 2009-06 (FY2009, June year end), then the change: 2009-12 (also FY2009, December year end), then 2010-12.
            DateOnly[] dates = [new(2009, 6, 30), new(2009, 12, 31), new(2010, 12, 31)];
            await writer.WriteRowGroupAsync(
            [
                new[] { "001234", "001234", "001234" }, dates, new[] { 2009, 2009, 2010 }, new[] { 6, 12, 12 },
                new[] { "INDL", "INDL", "INDL" }, new[] { "STD", "STD", "STD" }, new[] { "D", "D", "D" }, new[] { "C", "C", "C" },
                new[] { 100.0, 120.0, 150.0 },
            ], TestContext.Current.CancellationToken);
            await writer.CompleteAsync();
        }

        await new DatasetPublisher(w.Layout, w.Clock).PublishAsync("compustat/annual", staged, new Dictionary<string, long> { ["part-0.parquet"] = 3 }, "hand-made", "tests", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_later_fiscal_year_end_wins_once_it_is_known_and_the_earlier_one_serves_until_then()
    {
        using var w = new TestWarehouse();
        await PublishAnnualAsync(w);
        using var session = w.Open();
        var compustat = new CompustatProvider(session);

        Assert.Null(compustat.LatestAnnual("001234", new DateOnly(2009, 12, 26))); // June 2009 + 180 days = 2009-12-27
        Assert.Equal(new DateOnly(2009, 6, 30), compustat.LatestAnnual("001234", new DateOnly(2009, 12, 27))!["datadate"]);
        Assert.Equal(100.0, compustat.LatestAnnual("001234", new DateOnly(2010, 6, 28))!["at"]); // Dec 2009 + 180 = 2010-06-29
        Assert.Equal(120.0, compustat.LatestAnnual("001234", new DateOnly(2010, 6, 29))!["at"]);
        Assert.Equal(150.0, compustat.LatestAnnual("001234", new DateOnly(2011, 12, 31))!["at"]);
    }
}
