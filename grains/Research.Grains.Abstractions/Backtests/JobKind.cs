namespace Research.Grains.Abstractions.Backtests;

/// <summary>What a job computes (wire names: <c>backtest</c>, <c>monte-carlo</c>, <c>walk-forward</c>, <c>signal-sweep</c>).</summary>
public enum JobKind
{
    /// <summary>Not known (an unknown job).</summary>
    None = 0,

    /// <summary>One backtest of one strategy.</summary>
    Backtest = 1,

    /// <summary>Resampled paths of a finished backtest's returns.</summary>
    MonteCarlo = 2,

    /// <summary>Walk-forward optimisation over a grid of strategies and quantiles.</summary>
    WalkForward = 3,

    /// <summary>A batch of signal variants evaluated over one period (IC, quantiles, turnover), fanned out across silos.</summary>
    SignalSweep = 4,
}
