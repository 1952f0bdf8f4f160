using Orleans.Concurrency;
using Research.Analytics.Attribution;
using Research.Backtesting.Metrics;
using Research.Backtesting.Results;
using Research.Backtesting.TearSheets;
using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>Reads stored results for display; the derived views (wealth, drawdown, monthly returns) come from <see cref="PerformanceMetrics"/>.</summary>
[StatelessWorker]
public sealed class BacktestResultGrain(BacktestServices services) : Grain, IBacktestResultGrain
{
    public Task<BacktestOptions> GetOptionsAsync() =>
        Task.FromResult(new BacktestOptions([.. Research.Backtesting.Jobs.BacktestRequest.Strategies.Keys], [.. WireNames.Values<ExecutionTiming>()], ["quantile", "optimizer"],
            [.. WireNames.All<AttributionModel>()]));

    public async Task<StrategyPerformance?> GetStrategyPerformanceAsync(string strategy, int topPositions)
    {
        var record = await services.Index.RecordAsync(WireNames.Of(JobKind.Backtest), strategy).ConfigureAwait(true);
        return record is null
            ? null
            : new StrategyPerformance(record.JobId, record.CreatedAt, await GetViewAsync(record.JobId).ConfigureAwait(true), await GetPositionsAsync(record.JobId, topPositions).ConfigureAwait(true), record.Pinned);
    }

    public async Task<ResultView> GetViewAsync(string jobId)
    {
        var daily = await services.Series.ReadDailyAsync(jobId).ConfigureAwait(true);
        var monthly = PerformanceMetrics.MonthlyReturns(daily.Dates, daily.Returns).Select(m => new MonthlyReturn(m.Year, m.Month, m.Return)).ToArray();
        return new ResultView(jobId, daily.Dates, daily.Returns, PerformanceMetrics.Wealth(daily.Returns), PerformanceMetrics.Drawdowns(daily.Returns), monthly,
            daily.Turnover, daily.LongExposure, daily.ShortExposure, daily.Costs, daily.LongContribution, daily.ShortContribution);
    }

    public Task<TearSheetView> GetTearSheetAsync(string jobId) => services.TearSheets.GetOrComputeAsync(jobId, async () =>
    {
        var daily = await services.Series.ReadDailyAsync(jobId).ConfigureAwait(true);
        return await SheetAsync(jobId, daily.Dates, daily.Returns).ConfigureAwait(true);
    });

    public async Task<CombinationView> CombineAsync(string[] jobIds, string method, double[]? weights)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var ids = jobIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length is < 2 or > 8)
        {
            throw new ArgumentException($"A combined portfolio takes 2 to 8 runs; {ids.Length} given.");
        }

        var chosen = method switch
        {
            "equal" => BlendMethod.Equal,
            "risk-parity" => BlendMethod.RiskParity,
            "given" => BlendMethod.Given,
            _ => throw new ArgumentException($"method: '{method}' is not equal, risk-parity or given."),
        };
        var runs = new List<(DateOnly[], double[])>();
        foreach (var id in ids)
        {
            if (await services.Index.GetAsync(id).ConfigureAwait(true) is null)
            {
                throw new ArgumentException($"job '{id}' has no stored result.");
            }

            var daily = await services.Series.ReadDailyAsync(id).ConfigureAwait(true);
            runs.Add((daily.Dates, daily.Returns));
        }

        var blend = StrategyBlend.Combine(runs, chosen, weights);
        return new CombinationView(ids, method, blend.Weights, blend.RiskShares, blend.Dates, blend.Returns,
            PerformanceMetrics.Wealth(blend.Returns), PerformanceMetrics.Drawdowns(blend.Returns), await SheetAsync(ids[0], blend.Dates, blend.Returns).ConfigureAwait(true));
    }

    /// <summary>The tear sheet of a daily track against the market at the data versions <paramref name="jobId"/> used.</summary>
    private async Task<TearSheetView> SheetAsync(string jobId, DateOnly[] dates, double[] returns)
    {
        var daily = (Dates: dates, Returns: returns);
        var row = await services.Index.GetAsync(jobId).ConfigureAwait(true) ?? throw new ArgumentException($"job '{jobId}' has no stored result.");
        var versions = ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions);
        var market = MarketBenchmark.Load(services.Layout, versions, daily.Dates);

        // A market that starts after the run is compared over the days it covers (the sheet itself covers the whole run).
        var partial = market.Returns is not null && market.From > 0;
        var sheet = TearSheet.Of(daily.Dates, daily.Returns, partial ? null : market.Returns, market.RiskFreePerDay, riskFreeMissingDays: market.RiskFreeMissingDays);
        var lines = sheet.Lines.ToList();
        if (partial)
        {
            var tail = TearSheet.Of(daily.Dates[market.From..], daily.Returns[market.From..], market.Returns, market.TailRiskFreePerDay);
            lines.AddRange(tail.Lines.Where(l => l.Group == TearSheet.BenchmarkGroup));
        }

        var start = market.From > 0 ? sheet.Wealth[market.From - 1] : 1.0; // the market's curve starts at the strategy's wealth
        return View(daily.Dates, sheet, lines, market.Returns is { } m ? [.. PerformanceMetrics.Wealth(m).Select(w => w * start)] : null,
            market.Returns is null ? null : MarketBenchmark.Name, market.Missing);
    }

    public async Task<AttributionView> GetAttributionAsync(string jobId, string model, int neweyWestLags, int rollingWindow)
    {
        if (!WireNames.TryParse<AttributionModel>(model, out var chosen))
        {
            throw new ArgumentException($"model: '{model}' is not one of {string.Join(", ", WireNames.All<AttributionModel>())}.");
        }

        if (neweyWestLags is < 0 or > 100)
        {
            throw new ArgumentException($"Newey-West lags: {neweyWestLags} is not from 0 to 100.");
        }

        var row = await services.Index.GetAsync(jobId).ConfigureAwait(true) ?? throw new ArgumentException($"job '{jobId}' has no stored result.");
        return await services.Attributions.GetOrComputeAsync((jobId, model, neweyWestLags, rollingWindow), () => AttributeAsync(jobId, row, chosen, model, neweyWestLags, rollingWindow)).ConfigureAwait(true);
    }

    private async Task<AttributionView> AttributeAsync(string jobId, StoredResult row, AttributionModel chosen, string model, int neweyWestLags, int rollingWindow)
    {
        var daily = await services.Series.ReadDailyAsync(jobId).ConfigureAwait(true);
        var (factors, versions) = RunFactors.Load(services.Layout, ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions), chosen);
        var result = ReturnAttribution.Run(daily.Dates, daily.Returns, factors, chosen, neweyWestLags);
        var timing = ReturnAttribution.Timing(daily.Dates, daily.Returns, factors, chosen, neweyWestLags);
        var rolling = rollingWindow > 0 ? ReturnAttribution.Rolling(daily.Dates, daily.Returns, factors, chosen, rollingWindow) : [];
        string[] names = ["alpha", .. FactorReturns.FactorsOf(chosen)];
        return new AttributionView(model, result.Dates[0], result.Dates[^1], result.Dates.Count, result.Dropped,
            [.. result.Loadings.Select(l => new LoadingRow(l.Name, l.Loading, l.NeweyWestError, l.NeweyWestT, l.Hc3Error, l.AnnualContribution))],
            result.RSquared, result.AdjustedRSquared, result.ResidualVolatility, result.AnnualExcessReturn, result.NeweyWestLags, Math.Max(0, rollingWindow),
            [.. rolling.Select(w => w.End)], names, [.. names.Select((_, k) => rolling.Select(w => w.Loadings[k]).ToArray())],
            new TimingRow(timing.UpBeta, timing.UpBetaError, timing.DownBeta, timing.DownBetaError, timing.TreynorMazuyGamma, timing.TreynorMazuyT,
                timing.HenrikssonMertonGamma, timing.HenrikssonMertonT, timing.UpDays, timing.DownDays),
            versions);
    }

    public async Task<TearSheetView> GetTearSheetAgainstAsync(string jobId, string benchmarkJob)
    {
        var daily = await services.Series.ReadDailyAsync(jobId).ConfigureAwait(true);
        var row = await services.Index.GetAsync(jobId).ConfigureAwait(true) ?? throw new ArgumentException($"job '{jobId}' has no stored result.");
        var other = await services.Index.GetAsync(benchmarkJob).ConfigureAwait(true);
        if (other is null || (other.Kind != WireNames.Of(JobKind.Backtest) && other.Kind != WireNames.Of(JobKind.WalkForward)))
        {
            throw new ArgumentException($"benchmark: '{benchmarkJob}' has no stored backtest or walk-forward result.");
        }

        var theirs = await services.Series.ReadDailyAsync(benchmarkJob).ConfigureAwait(true);
        var at = new Dictionary<DateOnly, double>(theirs.Dates.Length);
        for (var t = 0; t < theirs.Dates.Length; t++)
        {
            at[theirs.Dates[t]] = theirs.Returns[t];
        }

        var missing = daily.Dates.Count(d => !at.ContainsKey(d));
        if (missing > 0)
        {
            throw new ArgumentException(
                $"benchmark: '{benchmarkJob}' ({theirs.Dates[0]:yyyy-MM-dd} to {theirs.Dates[^1]:yyyy-MM-dd}) lacks {missing} of the {daily.Dates.Length} sessions of '{jobId}' ({daily.Dates[0]:yyyy-MM-dd} to {daily.Dates[^1]:yyyy-MM-dd}); choose a run over the same period.");
        }

        // The risk-free rate is the market's at the run's data version, as on the default sheet, so Sharpe is the same.
        var market = MarketBenchmark.Load(services.Layout, ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions), daily.Dates);
        double[] benchmark = [.. daily.Dates.Select(d => at[d])];
        var sheet = TearSheet.Of(daily.Dates, daily.Returns, benchmark, market.RiskFreePerDay, riskFreeMissingDays: market.RiskFreeMissingDays);
        return View(daily.Dates, sheet, [.. sheet.Lines], PerformanceMetrics.Wealth(benchmark), $"{other.Label} ({benchmarkJob})", null);
    }

    private static TearSheetView View(DateOnly[] dates, TearSheet sheet, List<MetricLine> lines, double[]? benchmarkWealth, string? benchmarkName, string? benchmarkMissing)
    {
        var first = Math.Min(sheet.Rolling.Window - 1, dates.Length);
        return new TearSheetView(
            [.. lines.Select(ResultMetrics.Of)],
            [.. sheet.Years.Select(y => new AnnualRow(y.Year, y.Return, y.Benchmark, y.Sessions))],
            [.. sheet.WorstDrawdowns.Select(d => new DrawdownRow(d.Peak, d.Trough, d.Recovery, d.Depth, d.Sessions))],
            sheet.Rolling.Window,
            dates[first..],
            sheet.Rolling.Sharpe[first..],
            sheet.Rolling.Volatility[first..],
            sheet.Rolling.Beta?[first..],
            benchmarkWealth,
            benchmarkName,
            benchmarkMissing,
            [.. sheet.Conventions]);
    }

    public Task<TradePage> GetTradesAsync(string jobId, int skip, int take) => GetTradesSelectedAsync(jobId, skip, take, null, null, null);

    public Task<TradePage> GetTradesSelectedAsync(string jobId, int skip, int take, int? permno, DateOnly? from, DateOnly? to) =>
        skip <= 0 && permno is null && from is null && to is null
            ? services.FirstTrades.GetOrComputeAsync((jobId, take), () => ReadTradesAsync(jobId, 0, take, null, null, null))
            : ReadTradesAsync(jobId, skip, take, permno, from, to);

    private async Task<TradePage> ReadTradesAsync(string jobId, int skip, int take, int? permno, DateOnly? from, DateOnly? to)
    {
        var selection = new TradeSelection(permno, from, to);
        var (total, rows) = await services.Series.ReadTradesAsync(jobId, Math.Max(0, skip), Math.Clamp(take, 0, 1000), selection).ConfigureAwait(true);
        var names = await NamesAsync(jobId, [.. rows.Select(t => (t.Permno, t.Date))]).ConfigureAwait(true);
        return new TradePage(total, [.. rows.Select(t => names.TryGetValue((t.Permno, t.Date), out var n)
            ? new TradeRow(t.Date, t.Permno, t.WeightBefore, t.WeightAfter, t.Cost, n.Ticker, n.Name, t.Value, t.Price, t.Shares, t.Realized)
            : new TradeRow(t.Date, t.Permno, t.WeightBefore, t.WeightAfter, t.Cost, Value: t.Value, Price: t.Price, Shares: t.Shares, Realized: t.Realized))]);
    }

    public Task<PositionSnapshot> GetPositionsAsync(string jobId, int top) => services.Positions.GetOrComputeAsync((jobId, top), () => ReadPositionsAsync(jobId, top));

    private async Task<PositionSnapshot> ReadPositionsAsync(string jobId, int top)
    {
        var (date, rows) = await services.Series.ReadLastPositionsAsync(jobId).ConfigureAwait(true);
        var shown = rows.Take(Math.Clamp(top, 1, 500)).ToList();
        var names = date is { } on ? await NamesAsync(jobId, [.. shown.Select(r => (r.Permno, on))]).ConfigureAwait(true) : new Dictionary<(int, DateOnly), (string?, string?)>();
        return new PositionSnapshot(date, [.. shown.Select(r => date is { } on && names.TryGetValue((r.Permno, on), out var n) ? new PositionRow(r.Permno, r.Weight, n.Ticker, n.Name, r.Pnl) : new PositionRow(r.Permno, r.Weight, Pnl: r.Pnl))],
            rows.Where(r => r.Weight > 0).Sum(r => r.Weight), rows.Where(r => r.Weight < 0).Sum(r => r.Weight));
    }

    /// <summary>
    /// Tickers and names as they were on each date, from the crsp/names version the run used (point in time: a ticker
    /// that changed later shows as it was); empty when the run used no names or its result row is gone.
    /// </summary>
    private async Task<IReadOnlyDictionary<(int Permno, DateOnly Date), (string? Ticker, string? Name)>> NamesAsync(string jobId, IReadOnlyCollection<(int Permno, DateOnly Date)> keys)
    {
        const string Names = "crsp/names";
        var row = keys.Count == 0 ? null : await services.Index.GetAsync(jobId).ConfigureAwait(true);
        if (row is null || !ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions).TryGetValue(Names, out var version))
        {
            return new Dictionary<(int, DateOnly), (string?, string?)>();
        }

        using var lease = services.Reader.Versions(new Dictionary<string, string> { [Names] = version });
        return new Research.Data.Providers.Crsp.CrspProvider(lease.Session).NamesOn(keys);
    }

    public async Task<MonteCarloView> GetMonteCarloAsync(string jobId)
    {
        var paths = await services.Series.ReadMonteCarloPathsAsync(jobId).ConfigureAwait(true);
        var fan = await services.Series.ReadFanAsync(jobId, Math.Min(paths.Count, Research.Backtesting.MonteCarlo.MonteCarloSimulator.FanPaths)).ConfigureAwait(true);
        return new MonteCarloView([.. paths.Select(p => p.Sharpe)], [.. paths.Select(p => p.Cagr)], [.. paths.Select(p => p.MaxDrawdown)], [.. paths.Select(p => p.TerminalWealth)],
            fan is null ? null : new FanView(fan.Paths, fan.Days, fan.Bands[0], fan.Bands[1], fan.Bands[2], fan.Bands[3], fan.Bands[4]),
            await ObservedAsync(jobId).ConfigureAwait(true));
    }

    /// <summary>The source track measured as the simulator measures a path; null when the source result is gone (pruned).</summary>
    private async Task<ObservedPath?> ObservedAsync(string jobId)
    {
        var row = await services.Index.GetAsync(jobId).ConfigureAwait(true);
        if (row is null)
        {
            return null;
        }

        var (source, length) = Research.Backtesting.Jobs.MonteCarloRequest.SourceOf(row.Spec);
        if (await services.Index.GetAsync(source).ConfigureAwait(true) is null)
        {
            return null;
        }

        var returns = (await services.Series.ReadDailyAsync(source).ConfigureAwait(true)).Returns;
        return new ObservedPath(source, returns.Length, length ?? returns.Length, PerformanceMetrics.Sharpe(returns), PerformanceMetrics.Cagr(returns),
            PerformanceMetrics.MaxDrawdown(returns), 1 + PerformanceMetrics.CumulativeReturn(returns));
    }

    public async Task<WindowRow[]> GetWindowsAsync(string jobId)
    {
        var windows = await services.Series.ReadWindowsAsync(jobId).ConfigureAwait(true);
        var dates = (await services.Series.ReadDailyAsync(jobId).ConfigureAwait(true)).Dates;

        // The stitched out-of-sample track is the windows' test sessions (TestFrom..TestTo inclusive) one after another.
        var rows = new List<WindowRow>();
        var at = 0;
        foreach (var w in windows)
        {
            var length = w.TestTo - w.TestFrom + 1;
            var first = dates.Length == 0 ? default : dates[Math.Clamp(at, 0, dates.Length - 1)];
            var last = dates.Length == 0 ? default : dates[Math.Clamp(at + length - 1, 0, dates.Length - 1)];
            rows.Add(new WindowRow(w.Window, first, last, w.Chosen, w.InSample, w.OutOfSample));
            at += length;
        }

        return [.. rows];
    }
}
