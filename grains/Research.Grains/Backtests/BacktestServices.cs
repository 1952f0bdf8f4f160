using Research.Backtesting.Results;
using Research.Data.Warehouse;

namespace Research.Grains.Backtests;

/// <summary>What backtest grains need from their silo: the warehouse and its warm reader, the result stores, options and this silo's job slots.</summary>
public sealed class BacktestServices : IDisposable
{
    public BacktestServices(WarehouseLayout layout, BacktestSeriesStore series, IBacktestResultIndex index, BacktestJobOptions options)
    {
        Layout = layout;
        Series = series;
        Index = index;
        Options = options;
        Slots = new SemaphoreSlim(Math.Max(1, options.MaxJobsPerSilo));
        Reader = new WarehouseReader(layout, TimeProvider.System);
    }

    /// <summary>Warm warehouse sessions for the result pages' lookups (names as of a run's recorded version), kept open and lent.</summary>
    public WarehouseReader Reader { get; }

    public WarehouseLayout Layout { get; }

    /// <summary>
    /// Attribution views already computed (a published result and the factor version it pinned never change): the result
    /// page asks for one per view, and computing it (the factors read through DuckDB, the regressions, the rolling
    /// windows) costs far more than the rest of the page. The 64 most recently computed are kept.
    /// </summary>
    public ComputedCache<(string JobId, string Model, int Lags, int Window), Research.Grains.Abstractions.Backtests.AttributionView> Attributions { get; } = new(64);

    /// <summary>
    /// What else the result page asks for on every view and would otherwise rebuild through DuckDB each time: the tear
    /// sheet against the market (the market read at the run's pinned versions), the last positions and the first page
    /// of trades with the names they had then (a crsp/names session). Published results never change; 64 of each kept.
    /// </summary>
    public ComputedCache<string, Research.Grains.Abstractions.Backtests.TearSheetView> TearSheets { get; } = new(64);

    public ComputedCache<(string JobId, int Top), Research.Grains.Abstractions.Backtests.PositionSnapshot> Positions { get; } = new(64);

    public ComputedCache<(string JobId, int Take), Research.Grains.Abstractions.Backtests.TradePage> FirstTrades { get; } = new(64);

    public BacktestSeriesStore Series { get; }

    public IBacktestResultIndex Index { get; }

    public BacktestJobOptions Options { get; }

    /// <summary>The trial ledger signal sweeps record their variants in (a sweep refuses to finish without one).</summary>
    public Research.Backtesting.Overfitting.ISignalTrialRecorder? Trials { get; init; }

    /// <summary>Enforces <see cref="BacktestJobOptions.MaxJobsPerSilo"/> on this silo, whatever the scheduler believes.</summary>
    public SemaphoreSlim Slots { get; }

    private readonly List<(string JobId, Lazy<object> Plan)> _plans = [];

    /// <summary>
    /// The plan of a job on this silo (a walk-forward's or a signal sweep's), loaded once and shared by the job's units
    /// here; the two most recently used plans are kept (a plan holds a job's whole data panel).
    /// </summary>
    public T Plan<T>(string jobId, Func<T> load)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        Lazy<object> entry;
        lock (_plans)
        {
            var index = _plans.FindIndex(p => p.JobId == jobId);
            if (index >= 0)
            {
                entry = _plans[index].Plan;
                _plans.RemoveAt(index);
            }
            else
            {
                entry = new Lazy<object>(load, LazyThreadSafetyMode.ExecutionAndPublication);
            }

            _plans.Insert(0, (jobId, entry));
            if (_plans.Count > 2)
            {
                _plans.RemoveRange(2, _plans.Count - 2);
            }
        }

        try
        {
            return (T)entry.Value;
        }
        catch
        {
            lock (_plans)
            {
                _plans.RemoveAll(p => p.Plan == entry);
            }

            throw;
        }
    }

    public void Dispose()
    {
        Slots.Dispose();
        Reader.Dispose();
    }
}
