using System.Globalization;
using Research.Analytics.Factors;
using Research.Backtesting.Data;
using Research.Backtesting.Engine;
using Research.Backtesting.Metrics;
using Research.Backtesting.Overfitting;
using Research.Backtesting.Strategies;
using Research.Backtesting.WalkForward;
using Research.Data.Warehouse;

namespace Research.Backtesting.Jobs;

/// <summary>
/// A walk-forward optimisation as a user states it: the window, execution and costs of <see cref="Base"/> (its strategy is
/// ignored), a grid of strategies x quantiles, the training and test lengths and the metric the training windows are
/// judged by.
/// </summary>
public sealed record WalkForwardRequest
{
    public required BacktestRequest Base { get; init; }

    public required IReadOnlyList<string> Strategies { get; init; }

    public IReadOnlyList<double> Quantiles { get; init; } = [0.2];

    public int TrainSessions { get; init; } = 504;

    public int TestSessions { get; init; } = 126;

    public bool Expanding { get; init; }

    public string Metric { get; init; } = "sharpe";

    public WalkForwardSpec Spec() => new(TrainSessions, TestSessions, Expanding, Metric);

    /// <summary>The grid in a fixed order: strategies as given, each with every quantile (buy-and-hold once).</summary>
    public IReadOnlyList<(string Name, string Strategy, double Quantile)> Grid()
    {
        var grid = new List<(string, string, double)>();
        foreach (var strategy in Strategies)
        {
            if (BacktestRequest.Strategies[strategy] is null)
            {
                grid.Add((strategy, strategy, 0));
                continue;
            }

            grid.AddRange(Quantiles.Select(q => ($"{strategy} q={q.ToString("R", CultureInfo.InvariantCulture)}", strategy, q)));
        }

        return grid;
    }

    public void Validate()
    {
        Base.Validate();
        if (Strategies.Count == 0 || Strategies.Any(s => !BacktestRequest.Strategies.ContainsKey(s)) || Strategies.Distinct().Count() != Strategies.Count)
        {
            throw new ArgumentException($"strategies: give distinct names from {string.Join(", ", BacktestRequest.Strategies.Keys)}.");
        }

        if (Quantiles.Count == 0 || Quantiles.Any(q => q is <= 0 or > 0.5 || !double.IsFinite(q)) || Quantiles.Distinct().Count() != Quantiles.Count)
        {
            throw new ArgumentException("quantiles: give distinct numbers in (0, 0.5].");
        }

        if (TrainSessions < 20 || TestSessions < 5)
        {
            throw new ArgumentException($"train_sessions {TrainSessions} / test_sessions {TestSessions}: at least 20 and 5.");
        }

        if (Metric is not ("sharpe" or "cagr" or "calmar" or "sortino"))
        {
            throw new ArgumentException($"metric: '{Metric}' is not one of sharpe, cagr, calmar, sortino.");
        }
    }

    public string Canonical() =>
        $"walkforward/v1;{Base.Canonical()};strategies={string.Join(',', Strategies)};quantiles={string.Join(',', Quantiles.Select(q => q.ToString("R", CultureInfo.InvariantCulture)))};" +
        $"train={TrainSessions};test={TestSessions};expanding={Expanding};metric={Metric}";
}

/// <summary>The outcome of a walk-forward job as stored: windows, the out-of-sample track's metrics and the overfitting measures.</summary>
/// <param name="Pbo">Probability of backtest overfitting (CSCV over the grid's full-period returns, 16 blocks); null with fewer than two grid points.</param>
/// <param name="DeflatedSharpe">Deflated Sharpe ratio of the out-of-sample track with the grid size as the number of trials.</param>
public sealed record WalkForwardSummary(
    IReadOnlyList<WindowOutcome> Windows,
    BacktestMetrics OutOfSample,
    double Efficiency,
    double Stability,
    IReadOnlyDictionary<string, int> Choices,
    IReadOnlyDictionary<string, double> FullPeriodSharpe,
    double? Pbo,
    double DeflatedSharpe);

/// <summary>
/// Everything a unit of walk-forward work needs, loaded once per silo: the data over the whole window, the exposures of
/// every factor in the grid, the grid and the windows. Units are numbered: 0..W-1 are the windows, W..W+G-1 run grid
/// point i over the whole period (the returns the overfitting measures need). Any unit can run anywhere, in any order.
/// </summary>
public sealed class WalkForwardPlan
{
    private WalkForwardPlan(WalkForwardRequest request, BacktestData data, FactorExposures? exposures, IReadOnlyList<GridPoint> grid, IReadOnlyList<WalkForwardWindow> windows, BacktestSettings settings)
    {
        Request = request;
        Data = data;
        Exposures = exposures;
        Grid = grid;
        Windows = windows;
        Settings = settings;
    }

    public WalkForwardRequest Request { get; }

    public BacktestData Data { get; }

    public FactorExposures? Exposures { get; }

    public IReadOnlyList<GridPoint> Grid { get; }

    public IReadOnlyList<WalkForwardWindow> Windows { get; }

    public BacktestSettings Settings { get; }

    public int Units => Windows.Count + Grid.Count;

    public static WalkForwardPlan Load(WarehouseLayout layout, WalkForwardRequest request, IReadOnlyDictionary<string, string> dataVersions)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        using var session = WarehouseQuerySession.OpenVersions(layout, dataVersions, QueryLimits.Default, TimeProvider.System);
        var (start, end, loadFrom) = BacktestRunner.Window(session, request.Base);
        var data = BacktestDataLoader.Load(session, loadFrom, end);
        var grid = request.Grid();
        var styles = grid.Select(g => BacktestRequest.Strategies[g.Strategy]).OfType<string>().Distinct().ToList();
        var exposures = styles.Count == 0 ? null : FactorBuilder.Build(data.Panel, data.Panel.MonthEnds(), new FactorBuildOptions { Styles = styles });
        var points = grid.Select(g => new GridPoint(g.Name, () => BacktestRequest.Strategies[g.Strategy] is { } factor ? new FactorQuantileLongShort(factor, g.Quantile) : new BuyAndHold())).ToList();
        var settings = new BacktestSettings { From = start, To = end, Capital = request.Base.Capital, Execution = request.Base.Execution, Costs = request.Base.Costs };
        return new WalkForwardPlan(request, data, exposures, points, WalkForwardOptimizer.WindowsOf(data, request.Spec(), settings), settings);
    }

    /// <summary>Runs a window (unit &lt; W) or a grid point over the whole period (unit &gt;= W; its window outcome is null).</summary>
    public WindowRun RunUnit(int unit, CancellationToken cancellationToken = default)
    {
        if (unit < 0 || unit >= Units)
        {
            throw new ArgumentOutOfRangeException(nameof(unit), $"unit {unit} is not in 0..{Units - 1}.");
        }

        if (unit < Windows.Count)
        {
            return WalkForwardOptimizer.RunWindow(Data, Grid, Windows[unit], Request.Spec(), Settings, Exposures, cancellationToken);
        }

        var point = Grid[unit - Windows.Count];
        var run = BacktestEngine.Run(Data, point.Create(), Settings with { RecordTrades = false }, Exposures, cancellationToken: cancellationToken);
        return new WindowRun(null!, run.Dates, run.Returns);
    }

    /// <summary>Stitches the windows and computes the overfitting measures from the grid's full-period runs.</summary>
    public WalkForwardSummary Summarise(IReadOnlyList<WindowRun> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var stitched = WalkForwardOptimizer.Stitch([.. units.Take(Windows.Count)]);
        var full = units.Skip(Windows.Count).Select(u => u.Returns).ToList();
        var sharpe = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < Grid.Count; i++)
        {
            sharpe[Grid[i].Name] = PerformanceMetrics.Sharpe(full[i]);
        }

        double? pbo = Grid.Count >= 2 && full[0].Length >= 32 ? BacktestOverfitting.ProbabilityOfOverfitting(full).Probability : null;
        var r = stitched.Returns;
        var none = new double[r.Length];
        var oos = new BacktestResult("walk-forward", stitched.Dates, r, r, none, none, none, none, none, none, new TradeLog(stitched.Dates), new PositionLog(stitched.Dates), []);
        var metrics = BacktestMetrics.Of(oos);
        var dsr = Grid.Count >= 2
            ? PerformanceMetrics.DeflatedSharpe(metrics.Sharpe, BacktestOverfitting.SharpeVariance(full), Grid.Count, r.Length, metrics.Skewness, metrics.Kurtosis)
            : PerformanceMetrics.ProbabilisticSharpe(metrics.Sharpe / Math.Sqrt(PerformanceMetrics.PeriodsPerYear), 0, r.Length, metrics.Skewness, metrics.Kurtosis);
        return new WalkForwardSummary(stitched.Windows, metrics, stitched.Efficiency, stitched.Stability, stitched.Choices, sharpe, pbo, dsr);
    }
}
