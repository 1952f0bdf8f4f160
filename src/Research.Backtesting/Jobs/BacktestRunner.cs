using Research.Analytics.Factors;
using Research.Backtesting.Data;
using Research.Backtesting.Engine;
using Research.Backtesting.Metrics;
using Research.Backtesting.Strategies;
using Research.Data.Warehouse;

namespace Research.Backtesting.Jobs;

/// <summary>A finished run: the engine's outputs, its metrics, the data versions read and the PERMNO of each asset index.</summary>
/// <param name="TradePrices">Each trade's price (the close, or the open with next-open execution; CRSP's unadjusted price, NaN when unknown), in trade order; null without prices.</param>
public sealed record BacktestRun(BacktestRequest Request, BacktestResult Result, BacktestMetrics Metrics, IReadOnlyDictionary<string, string> DataVersions, int[] Permnos, double[]? TradePrices = null);

/// <summary>
/// Runs a <see cref="BacktestRequest"/> on the warehouse, in this process:
/// 1. Pin the datasets (<see cref="CurrentVersions(WarehouseLayout)"/> resolves them once; a job stores the answer and later reads exactly
///    those versions, so a rerun or a resumed job sees the same data).
/// 2. Load the CRSP panel from 13 months before the window (momentum needs a year of history), open-to-close returns,
///    delisting returns and the risk-free rate (<see cref="BacktestDataLoader"/>).
/// 3. Build the strategy's factor at month ends, run the engine, compute the metrics with the window's mean risk-free rate.
/// </summary>
public static class BacktestRunner
{
    /// <summary>Datasets a backtest reads; the first two are required, the rest are used when present.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["crsp/daily", "crsp/names", "crsp/delisting", "compustat/quarterly", "ccm/links", "famafrench/factors_daily"];

    /// <summary>The current version of each dataset a backtest reads; fails naming what is missing.</summary>
    public static IReadOnlyDictionary<string, string> CurrentVersions(WarehouseLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var catalog = new WarehouseCatalog(layout);
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dataset in Datasets)
        {
            if (catalog.ReadCurrent(dataset) is { } manifest)
            {
                versions[dataset] = manifest.VersionId;
            }
        }

        var missing = Datasets.Take(2).Where(d => !versions.ContainsKey(d)).ToList();
        return missing.Count > 0
            ? throw new InvalidOperationException($"{string.Join(", ", missing)} not in the warehouse at {layout.Root}: run 'research sync --source synthetic' (or wrds).")
            : versions;
    }

    /// <summary>
    /// <see cref="CurrentVersions(WarehouseLayout)"/> and, for the alpha strategy, the datasets its signal reads and the pin
    /// of the model's production version (<see cref="SignalModels.Pin"/>): what a job of <paramref name="request"/> reads.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CurrentVersions(WarehouseLayout layout, BacktestRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(request);
        var versions = new SortedDictionary<string, string>(CurrentVersions(layout).ToDictionary(), StringComparer.Ordinal);
        if (request.Strategy == BacktestRequest.AlphaStrategy)
        {
            request.Validate();
            string? pin = null;
            var definition = request.SignalDefinition();
            if (definition is null)
            {
                (pin, definition) = SignalModels.Pin(layout.Root, request.Model!, cancellationToken);
            }

            var catalog = new WarehouseCatalog(layout);
            foreach (var dataset in definition.Datasets().Where(d => !versions.ContainsKey(d)))
            {
                versions[dataset] = catalog.ReadCurrent(dataset)?.VersionId
                    ?? throw new InvalidOperationException($"signal '{definition.Name}' reads {dataset}, which is not in the warehouse at {layout.Root}.");
            }

            if (pin is not null)
            {
                versions[SignalModels.PinKey(request.Model!)] = pin;
            }
        }

        return versions;
    }

    public static BacktestRun Run(WarehouseLayout layout, BacktestRequest request, IReadOnlyDictionary<string, string> dataVersions, IProgress<(string Stage, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var datasets = dataVersions.Where(p => !SignalModels.IsPin(p.Key)).ToDictionary(StringComparer.Ordinal);
        using var session = WarehouseQuerySession.OpenVersions(layout, datasets, QueryLimits.Default, TimeProvider.System);
        var (start, end, loadFrom) = Window(session, request);
        progress?.Report(("loading", 0));
        var data = BacktestDataLoader.Load(session, loadFrom, end);
        cancellationToken.ThrowIfCancellationRequested();
        var (strategy, exposures) = Strategy(layout, session, data, request, dataVersions, progress, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var settings = new BacktestSettings { From = start, To = end, Capital = request.Capital, Execution = request.Execution, Costs = request.Costs };
        var result = BacktestEngine.Run(data, strategy, settings, exposures, progress is null ? null : new Relay(f => progress.Report(("simulating", f))), cancellationToken);
        var offset = Array.IndexOf(data.Dates, result.Dates[0]);
        // The mean daily risk-free rate over the run; a session without one counts as 0 and is reported (BacktestMetrics.RiskFreeMissingDays).
        var riskFree = 0.0;
        var missing = 0;
        for (var t = 0; t < result.Dates.Length; t++)
        {
            riskFree += data.RiskFree[offset + t];
            missing += data.RiskFreeKnown[offset + t] ? 0 : 1;
        }

        riskFree /= result.Dates.Length;
        var versions = session.Pinned.ToDictionary(p => p.Key, p => p.Value.VersionId, StringComparer.Ordinal);
        foreach (var pin in dataVersions.Where(p => SignalModels.IsPin(p.Key)))
        {
            versions[pin.Key] = pin.Value;
        }

        return new BacktestRun(request, result, BacktestMetrics.Of(result, riskFree) with { RiskFreeMissingDays = missing }, versions, data.Panel.Ids.ToArray(), TradePrices(data, result, request.Execution));
    }

    /// <summary>
    /// The strategy of <paramref name="request"/> and the exposures it sorts on, built on <paramref name="data"/>: a factor
    /// at the panel's month ends, a signal definition, or the registry model pinned in <paramref name="dataVersions"/>.
    /// What a backtest runs and what a strategy grain decides with (one code path: research-to-production parity).
    /// </summary>
    public static (IStrategy Strategy, FactorExposures? Exposures) Strategy(WarehouseLayout layout, WarehouseQuerySession session, BacktestData data, BacktestRequest request, IReadOnlyDictionary<string, string> dataVersions, IProgress<(string Stage, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataVersions);
        FactorExposures? exposures = null;
        IStrategy strategy = new BuyAndHold();
        if (request.Strategy == BacktestRequest.AlphaStrategy && request.SignalDefinition() is { } signal)
        {
            progress?.Report(("signal", 0));
            exposures = SignalModels.Exposures(session, data.Panel, signal, signal.Id, cancellationToken);
            strategy = request.Construction == "optimizer" ? new OptimizedFactorStrategy(signal.Id) : new FactorQuantileLongShort(signal.Id, request.Quantile);
        }
        else if (request.Strategy == BacktestRequest.AlphaStrategy)
        {
            var key = SignalModels.PinKey(request.Model!);
            var pin = dataVersions.TryGetValue(key, out var pinned) ? pinned : throw new ArgumentException($"model: the versions of this run do not pin '{request.Model}' (resolve them with CurrentVersions(layout, request)).");
            progress?.Report(("signal", 0));
            var (definition, manifest) = SignalModels.Load(layout.Root, request.Model!, pin, cancellationToken);
            var factor = $"{request.Model} v{manifest.Version}";
            exposures = SignalModels.Exposures(session, data.Panel, definition, factor, cancellationToken);
            strategy = request.Construction == "optimizer" ? new OptimizedFactorStrategy(factor) : new FactorQuantileLongShort(factor, request.Quantile);
        }
        else if (BacktestRequest.Strategies[request.Strategy] is { } factor)
        {
            progress?.Report(("exposures", 0));
            exposures = FactorBuilder.Build(data.Panel, data.Panel.MonthEnds(), new FactorBuildOptions { Styles = [factor] });
            strategy = request.Construction == "optimizer" ? new OptimizedFactorStrategy(factor) : new FactorQuantileLongShort(factor, request.Quantile);
        }

        return (strategy, exposures);
    }

    /// <summary>Each trade's execution price from the data: the session's close, or its open with next-open execution.</summary>
    private static double[]? TradePrices(BacktestData data, BacktestResult result, Execution execution)
    {
        if (data.Prices is not { } prices)
        {
            return null;
        }

        var book = execution == Execution.NextOpen ? prices.Open : prices.Close;
        var session = new Dictionary<DateOnly, int>(data.Sessions);
        for (var t = 0; t < data.Sessions; t++)
        {
            session[data.Dates[t]] = t;
        }

        var (dates, assets) = (result.Trades.DateColumn(), result.Trades.AssetColumn());
        var traded = new double[dates.Length];
        for (var k = 0; k < traded.Length; k++)
        {
            traded[k] = book[(session[dates[k]] * data.Assets) + assets[k]];
        }

        return traded;
    }

    /// <summary>The request's window on the pinned CRSP calendar (defaults filled in) and where loading starts (13 months earlier, for momentum).</summary>
    public static (DateOnly Start, DateOnly End, DateOnly LoadFrom) Window(WarehouseQuerySession session, BacktestRequest request)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var (first, last) = CrspRange(session);
        var start = request.From ?? first.AddMonths(13);
        var end = request.To ?? last;
        if (end <= start)
        {
            throw new ArgumentException($"the window {start:yyyy-MM-dd}..{end:yyyy-MM-dd} is empty (CRSP has {first:yyyy-MM-dd}..{last:yyyy-MM-dd}).");
        }

        return (start, end, start.AddMonths(-13) < first ? first : start.AddMonths(-13));
    }

    /// <summary>The first and last session of the pinned <c>crsp/daily</c>.</summary>
    internal static (DateOnly First, DateOnly Last) CrspRange(WarehouseQuerySession session)
    {
        using var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily");
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.IsDBNull(0) ? throw new InvalidOperationException("crsp/daily is empty.") : (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
    }

    private sealed class Relay(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
