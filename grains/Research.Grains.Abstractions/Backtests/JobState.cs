namespace Research.Grains.Abstractions.Backtests;

/// <summary>Where a job is in its lifecycle (wire names: <see cref="WireNames"/>).</summary>
public enum JobState
{
    /// <summary>No such job.</summary>
    None = 0,

    /// <summary>Accepted and waiting for capacity.</summary>
    Queued = 1,

    /// <summary>Dispatched to a silo and working.</summary>
    Running = 2,

    /// <summary>Finished with a stored result.</summary>
    Succeeded = 3,

    /// <summary>Finished with an error (<see cref="BacktestJobStatus.Error"/>).</summary>
    Failed = 4,

    /// <summary>Stopped at a user's request.</summary>
    Cancelled = 5,
}
