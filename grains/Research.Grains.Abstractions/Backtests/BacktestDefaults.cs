namespace Research.Grains.Abstractions.Backtests;

/// <summary>
/// The defaults of a backtest as every client states it: the job spec, the web form, the HTTP API and the CLI's flags
/// all take them from here. The period has no default date: an empty <c>from</c> means 13 months after the first CRSP
/// session (when 12-1 momentum first exists) and an empty <c>to</c> the last session, resolved on the data. The
/// engine's own defaults (<c>Research.Backtesting.Jobs.BacktestRequest</c>, <c>CostModel</c>) are pinned equal to these
/// by <c>tests/Research.Grains.Tests/Backtests/BacktestDefaultsTests.cs</c>.
/// </summary>
public static class BacktestDefaults
{
    /// <summary>Strategy the web form preselects.</summary>
    public const string Strategy = "momentum";

    /// <summary>Orders fill at the next session's close.</summary>
    public const ExecutionTiming Execution = ExecutionTiming.NextClose;

    /// <summary>Factor strategies: equal-weighted top and bottom quantiles.</summary>
    public const string Construction = "quantile";

    /// <summary>Factor strategies: the quantile held long and short.</summary>
    public const double Quantile = 0.2;

    /// <summary>Capital in dollars (scales market impact).</summary>
    public const double Capital = 10_000_000;

    /// <summary>Commission, basis points of traded value.</summary>
    public const double CommissionBps = 1;

    /// <summary>Half the bid-ask spread, basis points of traded value.</summary>
    public const double HalfSpreadBps = 5;

    /// <summary>Square-root impact coefficient k (0 = off).</summary>
    public const double Impact = 0.1;

    /// <summary>Annual borrow fee on short positions, basis points.</summary>
    public const double BorrowBps = 50;
}
