using Research.Backtesting.Jobs;
using Research.Backtesting.Metrics;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>A stored result's metrics document as labelled lines for the wire (<see cref="MetricSheet"/> does the labelling).</summary>
public static class ResultMetrics
{
    public static IReadOnlyList<ResultMetric> Of(JobKind kind, string metricsJson)
    {
        var lines = kind switch
        {
            JobKind.Backtest => MetricSheet.Of(ResultDocuments.Deserialize<BacktestMetrics>(metricsJson)),
            JobKind.WalkForward => MetricSheet.Of(ResultDocuments.Deserialize<WalkForwardSummary>(metricsJson)),
            JobKind.MonteCarlo => MetricSheet.Of(ResultDocuments.Deserialize<MonteCarloSummary>(metricsJson)),
            JobKind.SignalSweep => MetricSheet.Of(ResultDocuments.Deserialize<Research.Backtesting.Signals.SignalSweepSummary>(metricsJson)),
            _ => throw new ArgumentException($"kind: a {WireNames.Of(kind)} job has no metrics."),
        };
        return [.. lines.Select(Of)];
    }

    /// <summary>One library line on the wire (the two unit enums share their members; a test pins it).</summary>
    public static ResultMetric Of(MetricLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new ResultMetric(line.Group, line.Key, line.Label, (ResultMetricUnit)(int)line.Unit, line.Value, line.Display);
    }
}
