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
                "next-close" => Execution.NextClose,
                "next-open" => Execution.NextOpen,
                var other => throw new ArgumentException($"execution: '{other}' is not next-close or next-open."),
            },
            Quantile = spec.Quantile,
            Capital = spec.Capital,
            Costs = new CostModel { CommissionBps = spec.CommissionBps, HalfSpreadBps = spec.HalfSpreadBps, ImpactCoefficient = spec.Impact, BorrowBps = spec.BorrowBps },
            Construction = spec.Construction ?? BacktestDefaults.Construction,
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
                "bootstrap" => Resampling.StationaryBootstrap,
                "shuffle" => Resampling.Shuffle,
                "trades" => Resampling.TradeBootstrap,
                var other => throw new ArgumentException($"method: '{other}' is not bootstrap, trades or shuffle."),
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

    /// <summary>Checks a submission's shape; returns its kind and display label.</summary>
    public static (string Kind, string Label) Describe(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if ((submission.Backtest is null ? 0 : 1) + (submission.MonteCarlo is null ? 0 : 1) + (submission.WalkForward is null ? 0 : 1) != 1)
        {
            throw new ArgumentException("Submit exactly one of a backtest, a Monte Carlo or a walk-forward.");
        }

        JobPriority.Rank(submission.Priority);
        if (string.IsNullOrWhiteSpace(submission.RequestedBy))
        {
            throw new ArgumentException("requested by: name the user submitting the job.");
        }

        if (submission.WalkForward is { } w)
        {
            return (BacktestJobStatus.KindWalkForward, $"walk-forward {string.Join('/', w.Strategies ?? [])} ({(w.Expanding ? "expanding" : "rolling")} {w.TrainSessions}/{w.TestSessions})");
        }

        return submission.Backtest is { } b
            ? (BacktestJobStatus.KindBacktest, b.Strategy)
            : (BacktestJobStatus.KindMonteCarlo, $"{submission.MonteCarlo!.Method} x {submission.MonteCarlo.Paths} of {submission.MonteCarlo.SourceJob}");
    }
}
