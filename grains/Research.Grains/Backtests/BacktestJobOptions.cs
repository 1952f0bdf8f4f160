namespace Research.Grains.Backtests;

/// <summary>Timings and limits of backtest jobs (silo configuration section <c>Research:Backtests</c>).</summary>
public sealed record BacktestJobOptions
{
    /// <summary>The configuration section the silo binds (keys named as the properties).</summary>
    public const string Section = "Research:Backtests";

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

    /// <summary>Attempts per unit before the job fails, for a failure that is not a lost silo (<see cref="UnitRetryPolicy"/>).</summary>
    public int ChunkAttempts { get; init; } = 3;

    /// <summary>How long a unit is asked again after a lost or unreachable silo before the job fails (longer than failure detection, with a margin).</summary>
    public TimeSpan UnitRetryFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Jobs running at once on one silo (each uses the silo's cores); the cluster's capacity is this times the active silos.</summary>
    public int MaxJobsPerSilo { get; init; } = 1;

    /// <summary>Jobs of one user running at once across the cluster.</summary>
    public int MaxJobsPerUser { get; init; } = 2;

    /// <summary>What is wrong with these options, one sentence each naming the key (empty when they are usable).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Positive(string name, double value)
        {
            if (!(value > 0))
            {
                problems.Add($"{Section}:{name} must be positive (is {value}).");
            }
        }

        Positive(nameof(TickPeriod), TickPeriod.TotalMilliseconds);
        Positive(nameof(LeaseLength), LeaseLength.TotalMilliseconds);
        Positive(nameof(MonteCarloChunkPaths), MonteCarloChunkPaths);
        Positive(nameof(MaxChunksInFlight), MaxChunksInFlight);
        Positive(nameof(ChunkTimeout), ChunkTimeout.TotalMilliseconds);
        Positive(nameof(ChunkAttempts), ChunkAttempts);
        Positive(nameof(UnitRetryFor), UnitRetryFor.TotalMilliseconds);
        Positive(nameof(MaxJobsPerSilo), MaxJobsPerSilo);
        Positive(nameof(MaxJobsPerUser), MaxJobsPerUser);
        if (LeaseLength <= TickPeriod)
        {
            problems.Add($"{Section}:{nameof(LeaseLength)} ({LeaseLength}) must be longer than {Section}:{nameof(TickPeriod)} ({TickPeriod}): a lease is renewed every tick.");
        }

        return problems;
    }
}
