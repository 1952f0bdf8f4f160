using Microsoft.Extensions.Time.Testing;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Data.Tests.Warehouse;

/// <summary>A temporary warehouse with a fake clock and a helper that publishes small hand-made versions.</summary>
internal sealed class TestWarehouse : IDisposable
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("warehouse");

    public TestWarehouse()
    {
        Layout = new WarehouseLayout(_dir.Combine("data"));
    }

    public WarehouseLayout Layout { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 6, 12, 0, 0, TimeSpan.Zero));

    public DatasetVersions Versions => new(Layout, Clock);

    /// <summary>Publishes a one-file version of a returns table: permno 1..n on one date with the given price.</summary>
    public async Task<DatasetManifest> PublishPricesAsync(string dataset, int rows, double price)
    {
        var staged = Path.Combine(Layout.StagingFolder, Guid.NewGuid().ToString("N"));
        var writer = await ParquetTableWriter.CreateAsync(Path.Combine(staged, "part-0.parquet"),
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<double>("prc")]);
        await using (writer)
        {
            await writer.WriteRowGroupAsync([
                Enumerable.Range(1, rows).ToArray(),
                Enumerable.Repeat(new DateOnly(2024, 12, 31), rows).ToArray(),
                Enumerable.Repeat(price, rows).ToArray()]);
            await writer.CompleteAsync();
        }

        var manifest = await new DatasetPublisher(Layout, Clock).PublishAsync(dataset, staged, new Dictionary<string, long> { ["part-0.parquet"] = rows }, "test", "tests");
        Clock.Advance(TimeSpan.FromMinutes(1));
        return manifest;
    }

    public WarehouseQuerySession Open(VersionSelector? selector = null, QueryLimits? limits = null) =>
        WarehouseQuerySession.Open(Layout, selector ?? VersionSelector.Current, limits ?? QueryLimits.Default, Clock);

    public void Dispose() => _dir.Dispose();
}
