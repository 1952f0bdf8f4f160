using Research.Analytics.Attribution;
using Research.Data.Warehouse;

namespace Research.Backtesting.TearSheets;

/// <summary>
/// The Fama-French factors a stored run is attributed to: each dataset the model needs at the version the run pinned
/// (a backtest pins <c>famafrench/factors_daily</c>), else at the warehouse's current version (the five-factor file,
/// which backtests do not read); the versions used are returned with them.
/// </summary>
public static class RunFactors
{
    public static (FactorReturns Factors, IReadOnlyDictionary<string, string> Versions) Load(WarehouseLayout layout, IReadOnlyDictionary<string, string> runVersions, AttributionModel model)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(runVersions);
        var catalog = new WarehouseCatalog(layout);
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dataset in FactorReturnsLoader.DatasetsFor(model))
        {
            versions[dataset] = runVersions.TryGetValue(dataset, out var pinned)
                ? pinned
                : catalog.ReadCurrent(dataset)?.VersionId
                    ?? throw new ArgumentException($"model: {dataset} is not in the warehouse, so the run cannot be attributed to it; sync it ('research sync --full-sync --dataset famafrench') or choose capm, ff3 or carhart4.");
        }

        using var session = WarehouseQuerySession.OpenVersions(layout, versions, QueryLimits.Default, TimeProvider.System);
        return (FactorReturnsLoader.Load(session, model), versions);
    }
}
