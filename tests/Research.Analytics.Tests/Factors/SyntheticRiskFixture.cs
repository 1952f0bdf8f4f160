using Research.Analytics.Factors;
using Research.Analytics.Risk;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Factors;

/// <summary>
/// One synthetic market (1,500 stocks, 10 years) synced into a warehouse through the normal path, its panel loaded
/// and the planted five styles built at every month end; shared by the factor and risk model tests.
/// </summary>
public sealed class SyntheticRiskFixture : IAsyncLifetime
{
    public static readonly SyntheticMarketOptions Options = new() { Stocks = 1500, Years = 10, EndYear = 2024, Seed = 7, IntradaySymbols = 0 };

    private readonly TempDirectory _root = TestEnvironment.CreateTempDirectory("risk");

    public WarehouseLayout Layout { get; private set; } = null!;

    /// <summary>The generated market's own folder (truth files).</summary>
    public string Market { get; private set; } = null!;

    public EquityPanel Panel { get; private set; } = null!;

    public FactorExposures Exposures { get; private set; } = null!;

    /// <summary>The model fitted with default options over the whole panel.</summary>
    public RiskModel Model { get; private set; } = null!;

    internal SyntheticTruth Truth { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Layout = new WarehouseLayout(_root.Combine("data"));
        var source = new SyntheticSyncSource(Layout, Options);
        var manager = new SyncManager(Layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "compustat/quarterly", "ccm/links" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        }

        Market = Path.Combine(Layout.StagingFolder, "synthetic-cache", source.OptionsHash);
        using var session = WarehouseQuerySession.Open(Layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        Panel = EquityPanelLoader.Load(session, new DateOnly(Options.StartYear, 1, 1), new DateOnly(Options.EndYear, 12, 31));
        Exposures = FactorBuilder.Build(Panel, Panel.MonthEnds(), new FactorBuildOptions { Styles = FactorRegistry.PlantedStyles });
        Model = RiskModelFitter.Fit(Panel, Exposures, Panel.Dates[0], Panel.Dates[^1], cancellationToken: TestContext.Current.CancellationToken);
        Truth = SyntheticTruth.Read(Market);
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}
