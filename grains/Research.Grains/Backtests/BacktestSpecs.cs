using Research.Backtesting.Engine;
using Research.Backtesting.Jobs;
using Research.Backtesting.MonteCarlo;
using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>Maps the wire specs to the library's requests (validated; errors name the field).</summary>
public static class BacktestSpecs
{
    public static BacktestRequest ToRequest(BacktestJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = new BacktestRequest
        {
            Strategy = spec.Strategy,
            From = spec.From,
            To = spec.To,
            Execution = spec.Execution switch
            {
                ExecutionTiming.NextClose => Execution.NextClose,
                ExecutionTiming.NextOpen => Execution.NextOpen,
                var other => throw new ArgumentException($"execution: {(int)other} is not one of {string.Join(", ", WireNames.All<ExecutionTiming>())}."),
            },
            Quantile = spec.Quantile,
            Capital = spec.Capital,
            Costs = new CostModel { CommissionBps = spec.CommissionBps, HalfSpreadBps = spec.HalfSpreadBps, ImpactCoefficient = spec.Impact, BorrowBps = spec.BorrowBps },
            Construction = spec.Construction ?? BacktestDefaults.Construction,
            Model = spec.Model,
            Signal = spec.Signal,
        };
        request.Validate();
        return request;
    }

    public static MonteCarloRequest ToRequest(MonteCarloJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = new MonteCarloRequest
        {
            SourceJob = spec.SourceJob,
            Paths = spec.Paths,
            Method = spec.Method switch
            {
                MonteCarloMethod.Bootstrap => Resampling.StationaryBootstrap,
                MonteCarloMethod.Shuffle => Resampling.Shuffle,
                MonteCarloMethod.Trades => Resampling.TradeBootstrap,
                var other => throw new ArgumentException($"method: {(int)other} is not one of {string.Join(", ", WireNames.All<MonteCarloMethod>())}."),
            },
            MeanBlock = spec.MeanBlock,
            Length = spec.Length,
            Seed = spec.Seed,
            Confidence = spec.Confidence,
        };
        request.Validate();
        return request;
    }

    public static WalkForwardRequest ToRequest(WalkForwardJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = new WalkForwardRequest
        {
            Base = ToRequest(spec.Base with { Strategy = "buy-and-hold" }),
            Strategies = spec.Strategies ?? [],
            Quantiles = spec.Quantiles ?? [],
            TrainSessions = spec.TrainSessions,
            TestSessions = spec.TestSessions,
            Expanding = spec.Expanding,
            Metric = spec.Metric,
        };
        request.Validate();
        return request;
    }

    public static Research.Backtesting.Signals.SignalSweepRequest ToRequest(SignalSweepJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var request = new Research.Backtesting.Signals.SignalSweepRequest
        {
            Definitions = spec.Definitions ?? [],
            From = spec.From,
            To = spec.To,
            Every = spec.Every,
            Horizons = spec.Horizons ?? [1, 5, 21],
            Quantiles = spec.Quantiles,
            MaxDropShare = spec.MaxDropShare,
            Question = spec.Question ?? "default",
        };
        request.Validate();
        return request;
    }

    private static string SignalName(string json)
    {
        try
        {
            return Research.Analytics.Alpha.Signals.SignalDefinition.Parse(json, "signal").Id;
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    /// <summary>Checks a submission's shape; returns its kind and display label.</summary>
    public static (JobKind Kind, string Label) Describe(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if ((submission.Backtest is null ? 0 : 1) + (submission.MonteCarlo is null ? 0 : 1) + (submission.WalkForward is null ? 0 : 1) + (submission.SignalSweep is null ? 0 : 1) != 1)
        {
            throw new ArgumentException("Submit exactly one of a backtest, a Monte Carlo, a walk-forward or a signal sweep.");
        }

        if (!Enum.IsDefined(submission.Priority))
        {
            throw new ArgumentException($"priority: {(int)submission.Priority} is not one of {string.Join(", ", WireNames.All<JobPriority>())}.");
        }
        if (string.IsNullOrWhiteSpace(submission.RequestedBy))
        {
            throw new ArgumentException("requested by: name the user submitting the job.");
        }

        if (submission.SignalSweep is { } sweep)
        {
            return (JobKind.SignalSweep, $"signal sweep {sweep.Name ?? "signals"} ({sweep.Definitions?.Length ?? 0} variants)");
        }

        if (submission.WalkForward is { } w)
        {
            return (JobKind.WalkForward, $"walk-forward {string.Join('/', w.Strategies ?? [])} ({(w.Expanding ? "expanding" : "rolling")} {w.TrainSessions}/{w.TestSessions})");
        }

        return submission.Backtest is { } b
            ? (JobKind.Backtest, b.Model is not null ? $"{b.Strategy} {b.Model}" : b.Signal is not null ? $"{b.Strategy} {SignalName(b.Signal)}" : b.Strategy)
            : (JobKind.MonteCarlo, $"{WireNames.Of(submission.MonteCarlo!.Method)} x {submission.MonteCarlo.Paths} of {submission.MonteCarlo.SourceJob}");
    }
}
