using Research.Analytics.Factors;
using Research.Backtesting.Engine;
using Research.Backtesting.Metrics;

namespace Research.Backtesting.WalkForward;

/// <summary>One parameter set of a grid: a name and how to make a fresh strategy with it.</summary>
public sealed record GridPoint(string Name, Func<IStrategy> Create);

/// <summary>Window layout and the metric the training windows are judged by.</summary>
/// <param name="TrainSessions">Training length (for expanding windows: the first window's).</param>
/// <param name="TestSessions">Out-of-sample length; windows step by this.</param>
/// <param name="Expanding">Expanding (all history so far) instead of rolling training windows.</param>
/// <param name="Metric">sharpe, cagr, calmar or sortino.</param>
public sealed record WalkForwardSpec(int TrainSessions, int TestSessions, bool Expanding = false, string Metric = "sharpe");

/// <summary>Session indexes (inclusive) of one window.</summary>
public sealed record WalkForwardWindow(int TrainFrom, int TrainTo, int TestFrom, int TestTo);

/// <summary>What one window chose and how it did.</summary>
public sealed record WindowOutcome(WalkForwardWindow Window, string Chosen, double InSampleMetric, double OutOfSampleMetric, double InSampleAnnualReturn, double OutOfSampleAnnualReturn, DateOnly TestStart = default, DateOnly TestEnd = default);

/// <summary>A window's outcome and its out-of-sample daily returns.</summary>
public sealed record WindowRun(WindowOutcome Outcome, DateOnly[] Dates, double[] Returns);

/// <summary>The stitched out-of-sample track and the diagnostics.</summary>
/// <param name="Efficiency">Walk-forward efficiency (Pardo): mean out-of-sample annualised return / mean in-sample annualised return of the chosen sets.</param>
/// <param name="Stability">Share of consecutive windows that kept the previous window's choice.</param>
public sealed record WalkForwardResult(
    IReadOnlyList<WindowOutcome> Windows,
    DateOnly[] Dates,
    double[] Returns,
    double Efficiency,
    double Stability,
    IReadOnlyDictionary<string, int> Choices);

/// <summary>
/// Walk-forward optimisation: cut history into training and test windows (rolling or expanding); in each training window
/// run every grid point and keep the best by the metric; run the winner on the following test window; stitch the test
/// windows into one out-of-sample track. Windows are independent and run in parallel (on the cluster, across silos).
/// Each test run decides at the close that ends its training window and trades at the test window's first close, so
/// that first day is spent in cash: windows are independent (they can run on different silos) and nothing is decided
/// with data the decision could not have had. A continuous track would carry the previous window's holdings instead.
/// </summary>
public static class WalkForwardOptimizer
{
    public static IReadOnlyList<WalkForwardWindow> Windows(int first, int last, WalkForwardSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.TrainSessions < 20 || spec.TestSessions < 5)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), "training windows need at least 20 sessions and test windows at least 5.");
        }

        var windows = new List<WalkForwardWindow>();
        for (var testFrom = first + spec.TrainSessions; testFrom <= last; testFrom += spec.TestSessions)
        {
            var trainFrom = spec.Expanding ? first : testFrom - spec.TrainSessions;
            windows.Add(new WalkForwardWindow(trainFrom, testFrom - 1, testFrom, Math.Min(last, testFrom + spec.TestSessions - 1)));
        }

        return windows.Count > 0 ? windows : throw new ArgumentException($"{last - first + 1} sessions are too few for a training window of {spec.TrainSessions} and a test window.");
    }

    public static WalkForwardResult Run(BacktestData data, IReadOnlyList<GridPoint> grid, WalkForwardSpec spec, BacktestSettings settings, FactorExposures? exposures = null, CancellationToken cancellationToken = default)
    {
        var windows = WindowsOf(data, spec, settings);
        var runs = new WindowRun[windows.Count];
        Parallel.For(0, windows.Count, new ParallelOptions { CancellationToken = cancellationToken }, w =>
            runs[w] = RunWindow(data, grid, windows[w], spec, settings, exposures, cancellationToken));
        return Stitch(runs);
    }

    /// <summary>The windows of a spec over the settings' From..To on the data's calendar.</summary>
    public static IReadOnlyList<WalkForwardWindow> WindowsOf(BacktestData data, WalkForwardSpec spec, BacktestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        Metric(spec.Metric);
        var first = Array.FindIndex(data.Dates, d => d >= settings.From);
        var last = data.Panel.SessionOnOrBefore(settings.To);
        return first < 0 || last < first ? throw new ArgumentException($"no sessions in {settings.From:yyyy-MM-dd}..{settings.To:yyyy-MM-dd}.") : Windows(first, last, spec);
    }

    /// <summary>One window, independent of the others (a unit of work a silo can take): train every grid point, test the best.</summary>
    public static WindowRun RunWindow(BacktestData data, IReadOnlyList<GridPoint> grid, WalkForwardWindow window, WalkForwardSpec spec, BacktestSettings settings, FactorExposures? exposures = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(settings);
        if (grid.Count == 0)
        {
            throw new ArgumentException("the parameter grid is empty.", nameof(grid));
        }

        var metric = Metric(spec.Metric);
        var train = settings with { From = data.Dates[window.TrainFrom], To = data.Dates[window.TrainTo], RecordTrades = false };
        var scored = grid.Select(point =>
        {
            var result = BacktestEngine.Run(data, point.Create(), train, exposures, cancellationToken: cancellationToken);
            return (point, score: metric(result.Returns), annual: PerformanceMetrics.Cagr(result.Returns));
        }).ToList();
        var best = scored.Where(s => double.IsFinite(s.score)).DefaultIfEmpty(scored[0]).MaxBy(s => s.score);
        var test = settings with { From = data.Dates[window.TestFrom - 1], To = data.Dates[window.TestTo] };
        var outOfSample = BacktestEngine.Run(data, best.point.Create(), test, exposures, cancellationToken: cancellationToken);
        var returns = outOfSample.Returns[1..];
        var outcome = new WindowOutcome(window, best.point.Name, best.score, returns.Length > 1 ? metric(returns) : double.NaN, best.annual, PerformanceMetrics.Cagr(returns),
            data.Dates[window.TestFrom], data.Dates[window.TestTo]);
        return new WindowRun(outcome, outOfSample.Dates[1..], returns);
    }

    /// <summary>Stitches windows (in window order) into the out-of-sample track with efficiency, stability and choices.</summary>
    public static WalkForwardResult Stitch(IReadOnlyList<WindowRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("no windows to stitch.", nameof(runs));
        }

        var outcomes = runs.Select(r => r.Outcome).ToArray();
        var meanIn = outcomes.Average(o => o.InSampleAnnualReturn);
        var kept = Enumerable.Range(1, outcomes.Length - 1).Count(i => outcomes[i].Chosen == outcomes[i - 1].Chosen);
        return new WalkForwardResult(
            outcomes,
            [.. runs.SelectMany(t => t.Dates)],
            [.. runs.SelectMany(t => t.Returns)],
            meanIn == 0 ? double.NaN : outcomes.Average(o => o.OutOfSampleAnnualReturn) / meanIn,
            outcomes.Length > 1 ? (double)kept / (outcomes.Length - 1) : 1.0,
            outcomes.GroupBy(o => o.Chosen).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }

    private static Func<double[], double> Metric(string name) => name switch
    {
        "sharpe" => r => PerformanceMetrics.Sharpe(r),
        "cagr" => PerformanceMetrics.Cagr,
        "calmar" => PerformanceMetrics.Calmar,
        "sortino" => r => PerformanceMetrics.Sortino(r),
        _ => throw new ArgumentException($"metric '{name}' is not one of sharpe, cagr, calmar, sortino."),
    };
}
