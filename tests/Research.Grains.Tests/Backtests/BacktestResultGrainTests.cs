using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>The result grain's views equal what the stored series say: wealth, drawdown, monthly returns, trades pages, the Monte Carlo fan.</summary>
public sealed class BacktestResultGrainTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task Views_of_a_stored_backtest_and_its_Monte_Carlo_match_the_series()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("views"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var bt = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("momentum", From: new DateOnly(2022, 6, 1)), null, JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId))).State);
        var results = cluster.Client.GetGrain<IBacktestResultGrain>(0);

        var view = await results.GetViewAsync(bt.JobId);
        var wealth = 1.0;
        var peak = 1.0;
        for (var t = 0; t < view.Returns.Length; t++)
        {
            wealth *= 1 + view.Returns[t];
            peak = Math.Max(peak, wealth);
            Assert.Equal(wealth, view.Wealth[t], 12);
            Assert.Equal((wealth / peak) - 1, view.Drawdown[t], 12);
        }

        Assert.Equal(view.Dates.Select(d => (d.Year, d.Month)).Distinct().Count(), view.Monthly.Length);
        Assert.Equal(view.Wealth[^1], view.Monthly.Aggregate(1.0, (w, m) => w * (1 + m.Return)), 10);
        Assert.NotNull(view.Turnover);

        var first = await results.GetTradesAsync(bt.JobId, 0, 50);
        var second = await results.GetTradesAsync(bt.JobId, 50, 50);
        var both = await results.GetTradesAsync(bt.JobId, 0, 100);
        Assert.True(first.Total > 100, $"{first.Total} trades");
        Assert.Equal(both.Rows, first.Rows.Concat(second.Rows));
        // A selection (one security, a date range) equals filtering every trade here.
        var all = new List<TradeRow>();
        for (var skip = 0; skip < first.Total; skip += 1000)
        {
            all.AddRange((await results.GetTradesAsync(bt.JobId, skip, 1000)).Rows);
        }

        var permno = all[^1].Permno;
        var (from, to) = (all[all.Count / 3].Date, all[all.Count / 2].Date);
        var selected = await results.GetTradesSelectedAsync(bt.JobId, 0, 1000, permno, null, null);
        Assert.Equal(all.Where(t => t.Permno == permno), selected.Rows);
        Assert.Equal(all.Count(t => t.Permno == permno), selected.Total);
        var window = await results.GetTradesSelectedAsync(bt.JobId, 0, 1000, null, from, to);
        Assert.Equal(all.Count(t => t.Date >= from && t.Date <= to), window.Total);
        Assert.Equal(all.Where(t => t.Date >= from && t.Date <= to).Take(1000), window.Rows);
        Assert.Equal(0, (await results.GetTradesSelectedAsync(bt.JobId, 0, 10, permno, to.AddDays(1), from)).Total); // an empty range

        var positions = await results.GetPositionsAsync(bt.JobId, 5);
        Assert.Equal(5, positions.Rows.Length);

        // Tickers and names as they were on the trade's (or the positions') date, from the names file the run used.
        var named = Name(both.Rows.Select(t => (t.Permno, t.Date)).Concat(positions.Rows.Select(p => (p.Permno, positions.Date!.Value))));
        Assert.All(both.Rows, t => Assert.Equal(named[(t.Permno, t.Date)], (t.Ticker, t.Name)));
        Assert.All(positions.Rows, p => Assert.Equal(named[(p.Permno, positions.Date!.Value)], (p.Ticker, p.Name)));
        Assert.All(both.Rows, t => Assert.False(string.IsNullOrEmpty(t.Ticker)));
        Assert.True(positions.Long > 0 && positions.Short < 0);

        // The dashboard's lookup: the strategy's latest backtest from the result index.
        var performance = await results.GetStrategyPerformanceAsync("momentum", 3);
        Assert.NotNull(performance);
        Assert.Equal(bt.JobId, performance.JobId);
        Assert.Equal(view.Wealth, performance.View.Wealth);
        Assert.Equal(3, performance.Positions.Rows.Length);
        Assert.Null(await results.GetStrategyPerformanceAsync("value", 3));

        // The tear sheet against the market, recomputed here from the stored track and the Fama-French file: the market
        // is mktrf + rf, everything in excess of the period's mean daily rf, beta = cov / var, alpha = (1 + mean)^252 - 1.
        // The synthetic Fama-French file starts in July 2023: a run from June 2022 is compared over the days it covers,
        // and says so; the market's curve starts at the strategy's wealth on the day before it.
        var partial = await results.GetTearSheetAsync(bt.JobId);
        Assert.Matches(@"^the Fama-French file at famafrench/factors_daily@v\w+ starts on 2023-07-03: the comparison covers the run's last \d+ of \d+ days$", partial.BenchmarkMissing);
        var covered = partial.BenchmarkWealth!.Length;
        var (tailMarket, tailRf) = Market(view.Dates[^covered..]);
        Assert.Equal(view.Wealth[^(covered + 1)] * (1 + tailMarket[0]), partial.BenchmarkWealth[0], 12);
        var tailBeta = Research.Backtesting.TearSheets.BenchmarkRelative.Of(view.Returns[^covered..], tailMarket, tailRf).Beta;
        Assert.Equal(tailBeta, partial.Lines.Single(l => l.Key == "beta").Value!.Value, 10);
        Assert.Null(partial.RollingBeta);

        // The risk-free rate: the file has none before July 2023, so those sessions count it as 0 and the page says how
        // many; the sheet's Sharpe is the run's own (the mean over all sessions of the known rates, 0 where missing).
        var rates = RiskFree(view.Dates);
        var missingDays = rates.Count(r => r is null);
        Assert.Equal(view.Dates.Length - covered, missingDays);
        var rfMean = rates.Sum(r => r ?? 0) / view.Dates.Length;
        var excess = view.Returns.Select(r => r - rfMean).ToArray();
        var sd = Math.Sqrt(excess.Sum(e => (e - excess.Average()) * (e - excess.Average())) / (excess.Length - 1));
        var sharpe = excess.Average() / sd * Math.Sqrt(252);
        Assert.Equal(sharpe, partial.Lines.Single(l => l.Key == "sharpe").Value!.Value, 10);
        Assert.Equal(missingDays, partial.Lines.Single(l => l.Key == "riskFreeMissingDays").Value!.Value);
        Assert.Contains(partial.Conventions, c => c.Contains($"no risk-free rate on {missingDays} of the {view.Dates.Length} sessions", StringComparison.Ordinal));
        var stored = (await cluster.Client.GetGrain<IBacktestJobGrain>(bt.JobId).GetResultAsync())!;
        Assert.Equal(sharpe, stored.Metrics.Single(m => m.Key == "sharpe").Value!.Value, 10);
        Assert.Equal(missingDays, stored.Metrics.Single(m => m.Key == "riskFreeMissingDays").Value!.Value);
        var recent = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("momentum", From: new DateOnly(2023, 8, 1)), null, JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(recent.JobId))).State);
        var sheet = await results.GetTearSheetAsync(recent.JobId);
        var track = await results.GetViewAsync(recent.JobId);
        var (market, rf) = Market(track.Dates);
        var x = track.Returns.Select(r => r - rf).ToArray();
        var y = market.Select(m => m - rf).ToArray();
        var (mx, my) = (x.Average(), y.Average());
        var beta = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / y.Sum(b => (b - my) * (b - my));
        var active = track.Returns.Zip(market, (r, m) => r - m).ToArray();
        var te = Math.Sqrt(active.Sum(a => (a - active.Average()) * (a - active.Average())) / (active.Length - 1));
        double Line(string key) => sheet.Lines.Single(l => l.Key == key).Value!.Value;
        Assert.Equal(beta, Line("beta"), 10);
        Assert.Equal(Math.Pow(1 + mx - (beta * my), 252) - 1, Line("alpha"), 10);
        Assert.Equal(te * Math.Sqrt(252), Line("trackingError"), 10);
        Assert.Equal(active.Average() / te * Math.Sqrt(252), Line("informationRatio"), 10);
        Assert.Equal(track.Dates.Select(d => d.Year).Distinct(), sheet.Years.Select(r => r.Year));
        Assert.Equal(track.Drawdown.Min(), sheet.Drawdowns[0].Depth, 12);
        Assert.Equal(track.Dates.Length - sheet.RollingWindow + 1, sheet.RollingSharpe.Length);
        Assert.Null(sheet.BenchmarkMissing);
        Assert.Equal(0, sheet.Lines.Single(l => l.Key == "riskFreeMissingDays").Value!.Value);
        Assert.DoesNotContain(sheet.Conventions, c => c.Contains("no risk-free rate", StringComparison.Ordinal));

        // A chosen benchmark: another stored run over the same sessions (buy-and-hold here); the risk-free rate stays the
        // market's. Beta and tracking error recomputed here from the two stored tracks.
        var hold = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("buy-and-hold", From: new DateOnly(2023, 8, 1)), null, JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(hold.JobId))).State);
        var against = await results.GetTearSheetAgainstAsync(recent.JobId, hold.JobId);
        var held = (await results.GetViewAsync(hold.JobId)).Returns;
        var hx = held.Select(r => r - rf).ToArray();
        var hm = hx.Average();
        var heldBeta = x.Zip(hx, (a, b) => (a - mx) * (b - hm)).Sum() / hx.Sum(b => (b - hm) * (b - hm));
        Assert.Equal(heldBeta, against.Lines.Single(l => l.Key == "beta").Value!.Value, 10);
        var heldActive = track.Returns.Zip(held, (r, m) => r - m).ToArray();
        var heldTe = Math.Sqrt(heldActive.Sum(a => (a - heldActive.Average()) * (a - heldActive.Average())) / (heldActive.Length - 1));
        Assert.Equal(heldTe * Math.Sqrt(252), against.Lines.Single(l => l.Key == "trackingError").Value!.Value, 10);
        Assert.Equal(Line("sharpe"), against.Lines.Single(l => l.Key == "sharpe").Value!.Value, 12); // the same rf
        Assert.StartsWith("buy-and-hold", against.BenchmarkName, StringComparison.Ordinal);
        Assert.Equal(track.Wealth.Length, against.BenchmarkWealth!.Length);
        var shorter = await Assert.ThrowsAsync<ArgumentException>(() => results.GetTearSheetAgainstAsync(bt.JobId, hold.JobId));
        Assert.Contains($"lacks", shorter.Message, StringComparison.Ordinal);

        // The dashboard shows a strategy's record: its latest run, unless one is pinned (then the pinned one, even if older).
        Assert.Equal((recent.JobId, false), await Record());
        Assert.True(await scheduler.SetFlagsAsync(bt.JobId, true, null));
        Assert.Equal((bt.JobId, true), await Record());
        Assert.True(await scheduler.SetFlagsAsync(bt.JobId, false, null));
        Assert.Equal((recent.JobId, false), await Record());
        async Task<(string, bool)> Record() => (await results.GetStrategyPerformanceAsync("momentum", 3)) is { } p ? (p.JobId, p.Pinned) : default;

        var mc = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(bt.JobId, 300, MonteCarloMethod.Bootstrap, 20, Seed: 3), JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(mc.JobId))).State);
        var paths = await results.GetMonteCarloAsync(mc.JobId);
        Assert.Equal(300, paths.TerminalWealth.Length);
        var fan = Assert.IsType<FanView>(paths.Fan);
        Assert.Equal(300, fan.Paths);
        var sorted = paths.TerminalWealth.Order().ToArray();
        Assert.Equal(Research.Core.Statistics.Quantiles.Linear(sorted, 0.5), fan.P50[^1], 12);

        // The observed track marked on the distributions: the source's returns measured as a path is (no risk-free rate).
        var observed = Assert.IsType<ObservedPath>(paths.Observed);
        Assert.Equal(bt.JobId, observed.SourceJob);
        Assert.True(observed.Comparable);
        Assert.Equal(view.Returns.Length, observed.Days);
        Assert.Equal(view.Wealth[^1], observed.TerminalWealth, 12);
        Assert.Equal(view.Drawdown.Min(), observed.MaxDrawdown, 12);
        var mean = view.Returns.Average();
        var sdAll = Math.Sqrt(view.Returns.Sum(r => (r - mean) * (r - mean)) / (view.Returns.Length - 1));
        Assert.Equal(mean / sdAll * Math.Sqrt(252), observed.Sharpe, 10);
        var longer = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(bt.JobId, 100, MonteCarloMethod.Bootstrap, 20, Length: 2520, Seed: 3), JobPriority.Normal, "alice"));
        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(longer.JobId))).State);
        var other = (await results.GetMonteCarloAsync(longer.JobId)).Observed!;
        Assert.Equal((2520, false), (other.PathDays, other.Comparable));
        await Assert.ThrowsAsync<InvalidOperationException>(() => results.GetViewAsync(mc.JobId)); // a Monte Carlo has no daily track
    }

    /// <summary>The ticker and company name of each (permno, date), read here from the current crsp/names file.</summary>
    private Dictionary<(int, DateOnly), (string?, string?)> Name(IEnumerable<(int Permno, DateOnly Date)> keys)
    {
        using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(fixture.Layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, ["crsp/names"]);
        using var command = session.CreateTrustedCommand("SELECT permno, namedt, nameendt, ticker, comnam FROM crsp.names");
        using var reader = command.ExecuteReader();
        var spans = new List<(int Permno, DateOnly From, DateOnly To, string? Ticker, string? Name)>();
        while (reader.Read())
        {
            spans.Add((reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        // In force on the date, else the latest that began before it (a sale on the day after the last name ended: this
        // run has such trades, so a lookup of the record in force alone fails here).
        return keys.Distinct().ToDictionary(k => (k.Permno, k.Date), k => spans.Where(s => s.Permno == k.Permno && s.From <= k.Date).MaxBy(s => s.From) is var s ? (s.Ticker, s.Name) : default);
    }

    /// <summary>The Fama-French daily rf on each of <paramref name="dates"/>, null where the file has none.</summary>
    private double?[] RiskFree(DateOnly[] dates)
    {
        using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(fixture.Layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, ["famafrench/factors_daily"]);
        using var command = session.CreateTrustedCommand("SELECT date, rf FROM famafrench.factors_daily WHERE rf IS NOT NULL");
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<DateOnly, double>();
        while (reader.Read())
        {
            rows[reader.GetFieldValue<DateOnly>(0)] = reader.GetDouble(1);
        }

        return [.. dates.Select(d => rows.TryGetValue(d, out var rf) ? rf : (double?)null)];
    }

    /// <summary>The market's daily return (mktrf + rf) on <paramref name="dates"/> and the mean daily rf, read from the warehouse's Parquet files.</summary>
    private (double[] Market, double RiskFree) Market(DateOnly[] dates)
    {
        using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(fixture.Layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, ["famafrench/factors_daily"]);
        using var command = session.CreateTrustedCommand("SELECT date, mktrf, rf FROM famafrench.factors_daily");
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<DateOnly, (double Mkt, double Rf)>();
        while (reader.Read())
        {
            rows[reader.GetFieldValue<DateOnly>(0)] = (reader.GetDouble(1), reader.GetDouble(2));
        }

        Assert.True(dates.All(rows.ContainsKey), $"{rows.Count} rows {rows.Keys.Min()}..{rows.Keys.Max()}; missing {string.Join(",", dates.Where(d => !rows.ContainsKey(d)).Take(5))} of {dates.Length}");
        return ([.. dates.Select(d => rows[d].Mkt + rows[d].Rf)], dates.Average(d => rows[d].Rf));
    }
}
