using Research.Backtesting.Jobs;
using Research.Backtesting.Results;
using Research.Data.Warehouse;

namespace Research.Grains.Backtests;

/// <summary>Timings and limits of backtest jobs (silo configuration section <c>Research:Backtests</c>).</summary>
public sealed record BacktestJobOptions
{
    /// <summary>How often a job persists its progress and renews its lease, and the scheduler looks at its queue.</summary>
    public TimeSpan TickPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A running job whose lease is this old is taken over by a new activation (its silo is presumed lost).</summary>
    public TimeSpan LeaseLength { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Paths per Monte Carlo chunk (one grain call; a few tens of milliseconds of work at 6,300 days).</summary>
    public int MonteCarloChunkPaths { get; init; } = 250;

    /// <summary>Chunk calls in flight per job.</summary>
    public int MaxChunksInFlight { get; init; } = 8;

    /// <summary>How long one chunk call may take before it is asked again (its silo may be gone).</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per chunk before the job fails.</summary>
    public int ChunkAttempts { get; init; } = 6;

    /// <summary>Jobs running at once on one silo (each uses the silo's cores); the cluster's capacity is this times the active silos.</summary>
    public int MaxJobsPerSilo { get; init; } = 1;

    /// <summary>Jobs of one user running at once across the cluster.</summary>
    public int MaxJobsPerUser { get; init; } = 2;
}

/// <summary>What backtest grains need from their silo: the warehouse, the result stores, options and this silo's job slots.</summary>
public sealed class BacktestServices : IDisposable
{
    public BacktestServices(WarehouseLayout layout, BacktestSeriesStore series, IBacktestResultIndex index, BacktestJobOptions options)
    {
        Layout = layout;
        Series = series;
        Index = index;
        Options = options;
        Slots = new SemaphoreSlim(Math.Max(1, options.MaxJobsPerSilo));
    }

    public WarehouseLayout Layout { get; }

    public BacktestSeriesStore Series { get; }

    public IBacktestResultIndex Index { get; }

    public BacktestJobOptions Options { get; }

    /// <summary>Enforces <see cref="BacktestJobOptions.MaxJobsPerSilo"/> on this silo, whatever the scheduler believes.</summary>
    public SemaphoreSlim Slots { get; }

    private readonly List<(string JobId, Lazy<WalkForwardPlan> Plan)> _plans = [];

    /// <summary>
    /// The walk-forward plan of a job on this silo, loaded once and shared by the job's units here; the two most recently
    /// used plans are kept (a plan holds a job's whole data panel).
    /// </summary>
    public WalkForwardPlan Plan(string jobId, Func<WalkForwardPlan> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        Lazy<WalkForwardPlan> entry;
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
                entry = new Lazy<WalkForwardPlan>(load, LazyThreadSafetyMode.ExecutionAndPublication);
            }

            _plans.Insert(0, (jobId, entry));
            if (_plans.Count > 2)
            {
                _plans.RemoveRange(2, _plans.Count - 2);
            }
        }

        try
        {
            return entry.Value;
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

    public void Dispose() => Slots.Dispose();
}
