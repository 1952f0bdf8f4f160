using Research.Analytics.Microstructure;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// Barndorff-Nielsen et al. (2009)'s T4 on the warehouse's ticks: with a quote of 10.00/10.02 in force (spread 0.02), a trade
/// at 10.04 (the ask plus the spread, the edge) is kept and one at 10.05 or 9.97 is left out and counted; a trade before any
/// quote is kept (there is nothing to hold it to).
/// </summary>
public sealed class TaqTicksCleaningTests
{
    [Fact]
    public async Task Trades_more_than_a_spread_outside_the_quote_are_left_out_and_counted()
    {
        using var dir = TestEnvironment.CreateTempDirectory("taq-t4");
        var layout = new WarehouseLayout(dir.Combine("data"));
        var date = new DateOnly(2024, 3, 5);
        static long At(int hour, int minute, int second) => ((((hour * 60L) + minute) * 60) + second) * 1_000_000;
        long[] tradeTimes = [At(9, 30, 5), At(10, 0, 1), At(10, 0, 2), At(10, 0, 3), At(10, 0, 4)];
        double[] prices = [50.00, 10.02, 10.04, 10.05, 9.97];
        await DerivedDatasets.PublishAsync(layout, TimeProvider.System, "tests", "T4", "t4",
        [
            new DerivedTable("taq/trades",
                [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<long>("time_m_us"), ParquetColumnSpec.Of<string>("sym_root"), ParquetColumnSpec.Of<double>("price"), ParquetColumnSpec.Of<int>("size")],
                [tradeTimes.Select(_ => date).ToArray(), tradeTimes, tradeTimes.Select(_ => "ABC").ToArray(), prices, tradeTimes.Select(_ => 100).ToArray()]),
            new DerivedTable("taq/quotes",
                [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<long>("time_m_us"), ParquetColumnSpec.Of<string>("sym_root"), ParquetColumnSpec.Of<double>("bid"),
                 ParquetColumnSpec.Of<int>("bidsiz"), ParquetColumnSpec.Of<double>("ask"), ParquetColumnSpec.Of<int>("asksiz")],
                [new[] { date }, new[] { At(10, 0, 0) }, new[] { "ABC" }, new[] { 10.00 }, new[] { 300 }, new[] { 10.02 }, new[] { 400 }]),
        ], TestContext.Current.CancellationToken);

        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        var day = Assert.Single(TaqTicks.Read(session, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(2, day.TradesOutsideSpread);
        Assert.Equal([50.00, 10.02, 10.04], day.Events.Where(e => e.IsExecution).Select(e => e.Price));
    }
}
