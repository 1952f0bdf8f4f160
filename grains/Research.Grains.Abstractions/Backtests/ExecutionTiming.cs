namespace Research.Grains.Abstractions.Backtests;

/// <summary>When a backtest's orders fill (wire names <c>next-close</c>, <c>next-open</c>).</summary>
public enum ExecutionTiming
{
    /// <summary>At the next session's close (signals from the close of day t trade at the close of t+1).</summary>
    NextClose = 0,

    /// <summary>At the next session's open.</summary>
    NextOpen = 1,
}
