namespace Research.Grains.Abstractions.Backtests;

/// <summary>Job priorities; the scheduler dispatches the lowest value first (wire names <c>high</c>, <c>normal</c>, <c>low</c>).</summary>
public enum JobPriority
{
    /// <summary>Ahead of everything queued.</summary>
    High = 0,

    /// <summary>The default.</summary>
    Normal = 1,

    /// <summary>Runs when nothing else waits.</summary>
    Low = 2,
}
