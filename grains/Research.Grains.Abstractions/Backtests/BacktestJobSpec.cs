namespace Research.Grains.Abstractions.Backtests;

/// <summary>A backtest as a client submits it (see <c>Research.Backtesting.Jobs.BacktestRequest</c> for the meaning of each field; defaults from <see cref="BacktestDefaults"/>).</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.BacktestJobSpec")]
public sealed record BacktestJobSpec(
    [property: Id(0)] string Strategy,
    [property: Id(1)] DateOnly? From = null,
    [property: Id(2)] DateOnly? To = null,
    [property: Id(3)] ExecutionTiming Execution = BacktestDefaults.Execution,
    [property: Id(4)] double Quantile = BacktestDefaults.Quantile,
    [property: Id(5)] double Capital = BacktestDefaults.Capital,
    [property: Id(6)] double CommissionBps = BacktestDefaults.CommissionBps,
    [property: Id(7)] double HalfSpreadBps = BacktestDefaults.HalfSpreadBps,
    [property: Id(8)] double Impact = BacktestDefaults.Impact,
    [property: Id(9)] double BorrowBps = BacktestDefaults.BorrowBps,
    [property: Id(10)] string Construction = BacktestDefaults.Construction,
    [property: Id(11)] string? Model = null,
    [property: Id(12)] string? Signal = null);

/// <summary>Monte Carlo of a finished backtest job's returns by one of the <see cref="MonteCarloMethod"/>s.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.MonteCarloJobSpec")]
public sealed record MonteCarloJobSpec(
    [property: Id(0)] string SourceJob,
    [property: Id(1)] int Paths = 1000,
    [property: Id(2)] MonteCarloMethod Method = MonteCarloMethod.Bootstrap,
    [property: Id(3)] double MeanBlock = 20,
    [property: Id(4)] int? Length = null,
    [property: Id(5)] ulong Seed = 1,
    [property: Id(6)] double Confidence = 0.95);

/// <summary>
/// Walk-forward optimisation: <see cref="Base"/> gives the window, execution and costs (its strategy is ignored); the grid
/// is every strategy with every quantile; windows and the grid's full-period runs fan out across silos.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.backtests.WalkForwardJobSpec")]
public sealed record WalkForwardJobSpec(
    [property: Id(0)] BacktestJobSpec Base,
    [property: Id(1)] string[] Strategies,
    [property: Id(2)] double[] Quantiles,
    [property: Id(3)] int TrainSessions = 504,
    [property: Id(4)] int TestSessions = 126,
    [property: Id(5)] bool Expanding = false,
    [property: Id(6)] string Metric = "sharpe");

/// <summary>What is submitted: exactly one of a backtest, a Monte Carlo or a walk-forward, with a priority and the submitting user.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.JobSubmission")]
public sealed record JobSubmission(
    [property: Id(0)] BacktestJobSpec? Backtest,
    [property: Id(1)] MonteCarloJobSpec? MonteCarlo,
    [property: Id(2)] JobPriority Priority,
    [property: Id(3)] string RequestedBy,
    [property: Id(4)] WalkForwardJobSpec? WalkForward = null,
    [property: Id(5)] SignalSweepJobSpec? SignalSweep = null);

/// <summary>
/// A signal sweep (see <c>Research.Backtesting.Signals.SignalSweepRequest</c>): the variants' canonical definitions in
/// grid order, the period, the signal-date spacing and the evaluation options; every evaluated variant is recorded in the
/// trial ledger under <c>Question</c> ("default" when null).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.backtests.SignalSweepJobSpec")]
public sealed record SignalSweepJobSpec(
    [property: Id(0)] string[] Definitions,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] int Every = 5,
    [property: Id(4)] int[]? Horizons = null,
    [property: Id(5)] int Quantiles = 5,
    [property: Id(6)] double MaxDropShare = 0.35,
    [property: Id(7)] string? Name = null,
    [property: Id(8)] string? Question = null);
