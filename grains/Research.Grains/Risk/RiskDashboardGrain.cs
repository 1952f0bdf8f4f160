using System.Globalization;
using Orleans.Concurrency;
using Research.Analytics.Factors;
using Research.Analytics.Risk;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Risk;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Backtests;

namespace Research.Grains.Risk;

/// <summary>
/// The risk dashboard (<see cref="IRiskDashboardGrain"/>), orchestration only: the portfolio comes from the request's
/// text (<see cref="PortfolioText"/>), a backtest's stored positions or a gateway account; the numbers from
/// <see cref="RiskDashboard"/> over the stored forecast (<see cref="RiskModelStore"/>), the same code as
/// <c>research risk report</c> and <c>research stress</c>. A named portfolio (backtest or account) reports its largest
/// budget utilisation to the alert rules (<c>risk-budget</c>). DuckDB and the simulation run on the thread pool.
/// </summary>
[StatelessWorker]
public sealed class RiskDashboardGrain(WarehouseLayout layout, BacktestServices backtests, TimeProvider clock) : Grain, IRiskDashboardGrain
{
    /// <summary>The last setup read, with the risk/* versions it was read at (every page view asks; a new fit changes the key).</summary>
    private static volatile Tuple<string, RiskSetup>? s_setup;

    public async Task<RiskSetup> SetupAsync()
    {
        var missing = Missing();
        if (missing is not null)
        {
            return new RiskSetup(null, null, [], Budgets(RiskDashboardSettings.DefaultBudgets), "market=-0.1", missing);
        }

        var catalog = new WarehouseCatalog(layout);
        var key = string.Join(",", RiskModelStore.Datasets.Select(d => catalog.ReadCurrent(d)?.VersionId));
        if (s_setup is { } known && known.Item1 == key)
        {
            return known.Item2;
        }

        var setup = await Task.Run(() =>
        {
            using var session = Open();
            var (first, last) = RiskModelStore.Coverage(session);
            return new RiskSetup(first, last, [.. RiskModelStore.Factors(session)], Budgets(RiskDashboardSettings.DefaultBudgets), "market=-0.1", null);
        }).ConfigureAwait(true);
        s_setup = Tuple.Create(key, setup);
        return setup;
    }

    public async Task<RiskView> AnalyzeAsync(RiskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Missing() is { } missing)
        {
            throw new ArgumentException(missing);
        }

        if (request.MonteCarloPaths is < 1_000 or > 1_000_000)
        {
            throw new ArgumentException($"Monte Carlo paths: {request.MonteCarloPaths:N0} is not from 1,000 to 1,000,000.");
        }

        var settings = new RiskDashboardSettings
        {
            MonteCarloPaths = request.MonteCarloPaths,
            DegreesOfFreedom = request.DegreesOfFreedom,
            Budgets = request.Budgets is null ? RiskDashboardSettings.DefaultBudgets : [.. Pairs(request.Budgets, "budgets").Select(p => new RiskBudget(p.Key, p.Value))],
            Shocks = request.Shocks is null ? new RiskDashboardSettings().Shocks : Pairs(request.Shocks, "shocks").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };

        // The portfolio's rows and the date its positions are from (a backtest's close, else the forecast asked for).
        var (label, rows, positionsDate) = request.Source switch
        {
            "upload" => ("uploaded portfolio", PortfolioText.Parse(request.PortfolioText ?? string.Empty, "portfolio"), (DateOnly?)null),
            "backtest" => await BacktestAsync(request).ConfigureAwait(true),
            "account" => await AccountAsync(request).ConfigureAwait(true),
            _ => throw new ArgumentException($"source: '{request.Source}' is not upload, backtest or account."),
        };
        var benchmarkRows = request.Benchmark switch
        {
            "none" or "market" => null,
            "upload" => PortfolioText.Parse(request.BenchmarkText ?? string.Empty, "benchmark"),
            _ => throw new ArgumentException($"benchmark: '{request.Benchmark}' is not none, market or upload."),
        };

        var run = await Task.Run(() =>
        {
            using var session = Open();
            return RiskDashboardRun.Of(session, rows, positionsDate ?? request.Date, request.Benchmark, benchmarkRows, settings, IRiskDashboardGrain.MaxPositionRows);
        }).ConfigureAwait(true);
        var (result, holdings, tickers, benchmarkName) = (run.Result, run.Holdings, run.Names, run.BenchmarkName);

        var report = result.Report;
        var alertNote = request.Source == "upload" ? null : Observe(label, result);
        return new RiskView(label, report.ForecastDate, report.FitId, positionsDate, benchmarkName,
            report.Risk.Volatility, report.Risk.FactorVolatility, report.Risk.SpecificVolatility, report.Risk.ComponentSpecific, report.TrackingError?.Daily,
            [.. result.Exposures.Select((e, k) => new RiskFactorRow(e.Factor, e.Industry, e.Portfolio, e.Benchmark, e.Active, report.ByFactor[k].Contribution))],
            [.. report.ByAsset.OrderByDescending(a => Math.Abs(a.Contribution)).Take(IRiskDashboardGrain.MaxPositionRows).Select(a =>
                new RiskPositionRow(a.Asset, a.Permno, tickers.TryGetValue((a.Permno, report.ForecastDate), out var n) ? n.Ticker : null, a.Weight, a.Marginal, a.Contribution))],
            [.. result.Measures.Select(m => new RiskMeasureRow(m.Method, m.Confidence, m.ValueAtRisk, m.ExpectedShortfall))],
            [.. result.Scenarios.Select(s => new RiskScenarioRow(s.Name, s.Description, s.Result?.Total, s.Result?.Sessions ?? 0,
                s.Result is null ? [] : new Dictionary<string, double>(s.Result.ByFactor, StringComparer.Ordinal), s.Unavailable))],
            [.. result.Budgets.Select(b => new RiskBudgetRow(b.Factor, b.Industry, b.Active, b.Limit, b.Pattern, b.Utilisation, b.Breached))],
            [.. run.Conventions], alertNote);
    }

    /// <summary>At most this many snapshots in a history (the latest; 20 years of month ends).</summary>
    public const int MaxSnapshots = 240;

    public async Task<ExposureHistoryView> ExposureHistoryAsync(RiskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Missing() is { } missing)
        {
            throw new ArgumentException(missing);
        }

        var (label, fixedRows) = await BookSourceAsync(request).ConfigureAwait(true);
        var dates = await Task.Run(() =>
        {
            using var session = Open();
            var all = RiskModelStore.SnapshotDates(session, DateOnly.MinValue, DateOnly.MaxValue);
            return all[Math.Max(0, all.Length - MaxSnapshots)..];
        }).ConfigureAwait(true);
        var held = fixedRows is null ? await backtests.Series.ReadPositionsOnDatesAsync(request.JobId!, dates).ConfigureAwait(true) : null;
        return await Task.Run(() =>
        {
            using var session = Open();
            var factors = RiskModelStore.Factors(session);
            var (_, last) = RiskModelStore.Coverage(session);
            var fixedBook = fixedRows is null ? null : Book(fixedRows, session, last, "portfolio");
            var fixedBenchmark = request.Benchmark == "upload" ? Book(PortfolioText.Parse(request.BenchmarkText ?? string.Empty, "benchmark"), session, last, "benchmark") : null;
            var points = new List<(ExposurePoint Point, DateOnly Held)>();
            foreach (var date in dates)
            {
                var book = fixedBook ?? (held!.TryGetValue(date, out var h) ? h.Weights : null);
                if (book is null)
                {
                    continue;
                }

                var snapshot = FactorExposuresStore.LoadAt(session, "risk/exposures", date);
                points.Add((ExposureHistory.At(factors, snapshot, book, Benchmark(request, snapshot, fixedBenchmark)), fixedBook is null ? held![date].Held : date));
            }

            if (points.Count == 0)
            {
                throw new ArgumentException($"{label} holds nothing on any of the risk model's snapshot dates ({dates[0]:yyyy-MM-dd} to {dates[^1]:yyyy-MM-dd}).");
            }

            return new ExposureHistoryView(label, [.. factors], [.. points.Select(p => p.Point.Date)], [.. points.Select(p => p.Held)],
                [.. points.Select(p => p.Point.Portfolio)], [.. points.Select(p => p.Point.Benchmark)], [.. points.Select(p => p.Point.Uncovered)],
                [.. points.Select(p => p.Point.Positions)], RiskDashboardRun.BenchmarkLabel(request.Benchmark, null));
        }).ConfigureAwait(true);
    }

    public async Task<ExposureDrillView> DrillAsync(RiskRequest request, string factor, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Missing() is { } missing)
        {
            throw new ArgumentException(missing);
        }

        var (label, fixedRows) = await BookSourceAsync(request).ConfigureAwait(true);
        var snapshotDate = await Task.Run(() =>
        {
            using var session = Open();
            var dates = RiskModelStore.SnapshotDates(session, DateOnly.MinValue, date);
            return dates.Length > 0 ? dates[^1] : throw new ArgumentException($"date: the risk model has no exposure snapshot on or before {date:yyyy-MM-dd}.");
        }).ConfigureAwait(true);
        var held = fixedRows is null ? await backtests.Series.ReadPositionsOnDatesAsync(request.JobId!, [snapshotDate]).ConfigureAwait(true) : null;
        return await Task.Run(() =>
        {
            using var session = Open();
            var factors = RiskModelStore.Factors(session);
            var (_, last) = RiskModelStore.Coverage(session);
            var book = fixedRows is null
                ? held!.TryGetValue(snapshotDate, out var h) ? h.Weights : throw new ArgumentException($"{label} holds nothing on or before {snapshotDate:yyyy-MM-dd}.")
                : Book(fixedRows, session, last, "portfolio");
            var fixedBenchmark = request.Benchmark == "upload" ? Book(PortfolioText.Parse(request.BenchmarkText ?? string.Empty, "benchmark"), session, last, "benchmark") : null;
            var snapshot = FactorExposuresStore.LoadAt(session, "risk/exposures", snapshotDate);
            var benchmark = Benchmark(request, snapshot, fixedBenchmark);
            var rows = ExposureHistory.Drill(factors, snapshot, book, benchmark, factor);
            var point = ExposureHistory.At(factors, snapshot, book, benchmark);
            var k = factors.ToList().IndexOf(factor);
            return new ExposureDrillView(label, factor, snapshot.Date, point.Portfolio[k], point.Benchmark[k], point.Portfolio[k] - point.Benchmark[k],
                [.. rows.Take(IRiskDashboardGrain.MaxPositionRows).Select(r => new ExposureDrillRowView(r.Permno, r.Label, r.Weight, r.BenchmarkWeight, r.Loading, r.Contribution, r.BenchmarkContribution, r.Active))],
                rows.Count);
        }).ConfigureAwait(true);
    }

    /// <summary>The benchmark on a snapshot: its cap weights (market), the uploaded book, or none.</summary>
    private static Dictionary<int, double>? Benchmark(RiskRequest request, StoredSnapshot snapshot, Dictionary<int, double>? uploaded) => request.Benchmark switch
    {
        "market" => ExposureHistory.CapWeights(snapshot),
        "upload" => uploaded,
        "none" => null,
        _ => throw new ArgumentException($"benchmark: '{request.Benchmark}' is not none, market or upload."),
    };

    /// <summary>PERMNO → weight of a fixed book resolved on <paramref name="date"/>; a security given twice (ticker and PERMNO) is refused.</summary>
    private static Dictionary<int, double> Book(IReadOnlyList<(string Asset, double Weight)> rows, WarehouseQuerySession session, DateOnly date, string what)
    {
        var permnos = PortfolioText.Resolve(rows, session, date);
        var book = new Dictionary<int, double>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (!book.TryAdd(permnos[i], rows[i].Weight))
            {
                throw new ArgumentException($"{what}: PERMNO {permnos[i]} is listed more than once ('{rows[i].Asset}' is one of them); list each once with its total weight.");
            }
        }

        return book;
    }

    /// <summary>A history's book: a backtest's (null rows: read per date) or a fixed one (an upload, an account's current positions).</summary>
    private async Task<(string Label, IReadOnlyList<(string, double)>? Rows)> BookSourceAsync(RiskRequest request)
    {
        switch (request.Source)
        {
            case "backtest":
                await RequireJobAsync(request).ConfigureAwait(true);
                return ($"backtest:{request.JobId}", null);
            case "account":
                var (label, rows, _) = await AccountAsync(request).ConfigureAwait(true);
                return (label, rows);
            case "upload":
                return ("uploaded portfolio", PortfolioText.Parse(request.PortfolioText ?? string.Empty, "portfolio"));
            default:
                throw new ArgumentException($"source: '{request.Source}' is not upload, backtest or account.");
        }
    }

    private async Task RequireJobAsync(RiskRequest request)
    {
        Security.CallerRights.Require(ResearchActions.BacktestView);
        if (string.IsNullOrWhiteSpace(request.JobId))
        {
            throw new ArgumentException("backtest: choose a job.");
        }

        if (await backtests.Index.GetAsync(request.JobId).ConfigureAwait(true) is null)
        {
            throw new ArgumentException($"backtest: job '{request.JobId}' has no stored result.");
        }
    }

    private async Task<(string, IReadOnlyList<(string, double)>, DateOnly?)> BacktestAsync(RiskRequest request)
    {
        await RequireJobAsync(request).ConfigureAwait(true);
        var (date, rows) = await backtests.Series.ReadPositionsOnAsync(request.JobId!, request.Date).ConfigureAwait(true);
        if (date is null || rows.Count == 0)
        {
            throw new ArgumentException($"backtest: job '{request.JobId}' holds no positions{(request.Date is { } d ? $" on or before {d:yyyy-MM-dd}" : string.Empty)}.");
        }

        return ($"backtest:{request.JobId}", [.. rows.Select(r => (r.Permno.ToString(CultureInfo.InvariantCulture), r.Weight))], date);
    }

    private async Task<(string, IReadOnlyList<(string, double)>, DateOnly?)> AccountAsync(RiskRequest request)
    {
        // Calls between grains pass the authorization filter, so the caller's right to see accounts is checked here.
        Security.CallerRights.Require(ResearchActions.TradingView);
        if (string.IsNullOrWhiteSpace(request.Account))
        {
            throw new ArgumentException("account: choose an account.");
        }

        var known = await GrainFactory.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync().ConfigureAwait(true);
        if (!known.Contains(request.Account, StringComparer.Ordinal))
        {
            throw new ArgumentException($"account: '{request.Account}' has no gateway.");
        }

        var view = await GrainFactory.GetGrain<IExecutionGatewayGrain>(request.Account).AccountAsync().ConfigureAwait(true);
        var positions = view.Positions.Where(p => p.Quantity != 0).ToList();
        if (positions.Count == 0 || !(view.Equity > 0))
        {
            throw new ArgumentException($"account: '{request.Account}' holds no positions{(view.Equity > 0 ? string.Empty : " (equity is not positive)")}.");
        }

        return ($"account:{request.Account}", [.. positions.Select(p => (p.Symbol, p.Value / view.Equity))], null);
    }

    /// <summary>Reports the largest utilisation of a named portfolio to the alert rules; the note says so on the page.</summary>
    private string? Observe(string subject, RiskDashboardResult result)
    {
        if (result.Budgets.Count == 0)
        {
            return null;
        }

        var worst = result.Budgets[0];
        var breached = result.Budgets.Count(b => b.Breached);
        GrainFactory.GetGrain<Research.Grains.Abstractions.Alerts.IAlertGrain>(0).ObserveAsync(new Research.Grains.Abstractions.Alerts.AlertObservationView(
            "risk-budget", subject, worst.Utilisation, clock.GetUtcNow(),
            string.Create(CultureInfo.InvariantCulture, $"{breached} budget(s) breached; largest {worst.Factor} active {worst.Active:F3} against {worst.Limit:G4} ({worst.Utilisation:P0})"))).Ignore();
        return $"reported to the alert rules as risk-budget {subject} = {worst.Utilisation.ToString("F3", CultureInfo.InvariantCulture)}";
    }

    private static string Budgets(IReadOnlyList<RiskBudget> budgets) => string.Join("\n", budgets.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Pattern}={b.Limit}")));

    /// <summary>Lines (or commas) of <c>name=number</c>; a malformed one is refused naming it.</summary>
    private static List<KeyValuePair<string, double>> Pairs(string text, string what)
    {
        var pairs = new List<KeyValuePair<string, double>>();
        foreach (var item in text.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(item[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new ArgumentException($"{what}: '{(item.Length > 60 ? item[..60] + "..." : item)}' is not name=number.");
            }

            var name = item[..eq].Trim();
            if (pairs.Any(p => p.Key == name))
            {
                throw new ArgumentException($"{what}: '{name}' is given twice.");
            }

            pairs.Add(new(name, value));
        }

        return pairs;
    }

    private string? Missing() => RiskDashboardRun.Missing(layout);

    private WarehouseQuerySession Open() => RiskDashboardRun.Open(layout, clock);
}
