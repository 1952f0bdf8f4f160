using System.Globalization;
using Research.Analytics.Execution;
using Research.Backtesting.Engine;
using Research.Backtesting.Jobs;
using Research.Data.Warehouse;

namespace Research.Backtesting.Results;

/// <summary>One month of a backtest's trades: dollars of each part and the paper investment they are fractions of.</summary>
public sealed record ShortfallPeriod(DateOnly Month, int Trades, double Investment, double Explicit, double Delay, double Trading)
{
    public double Total => Explicit + Delay + Trading;
}

/// <summary>One trade's shortfall, with the ticker it had that day (null when the names file lacks it).</summary>
public sealed record TradeShortfallRow(StoredTrade Trade, string? Ticker, Shortfall Shortfall);

/// <summary>
/// The implementation shortfall of a backtest's trades (dollars; see <see cref="TradeShortfall"/>): explicit + trading is
/// what the engine charged, Σ cost × the capital at the trade.
/// </summary>
public sealed record TradeShortfallReport(
    Execution Execution, double CommissionBps, int Trades, int WithoutPrice, int WithoutDecisionPrice, double PaperInvestment, double Explicit, double Delay, double Trading,
    IReadOnlyList<ShortfallPeriod> Months, IReadOnlyList<TradeShortfallRow> Largest)
{
    public double Total => Explicit + Delay + Trading;

    /// <summary>Dollars as basis points of the summed paper investment.</summary>
    public double Bps(double dollars) => dollars / PaperInvestment * 1e4;
}

/// <summary>
/// Execution analysis of a backtest's trades: each trade is a parent order decided at the close of the session before it
/// (what the strategy saw) and filled in full at the modelled execution: the next close, or the next open with
/// next-open execution. With the same <see cref="ImplementationShortfall"/> as paper fills (one code path):
/// <list type="bullet">
/// <item>decision price P_d: the close of the stock's previous session in the trade day's share units,
/// |prc_{t−1}| · cfacpr_t / cfacpr_{t−1}, from the run's own CRSP version (a dividend paid on the trade day is in the delay);</item>
/// <item>quantity |value| / P_t, P_t the execution price (the close or open the engine traded at);</item>
/// <item>explicit: the commission, commission_bps × |value|;</item>
/// <item>delay: s · Q · (P_t − P_d), the move between the signal and the execution the one-session lag cost;</item>
/// <item>trading: the half spread and impact the engine charged (its cost × the capital at the trade, less the commission),
/// as a fill at P_t · (1 + s · rate) against the benchmark P_t;</item>
/// <item>opportunity: none (a backtest fills every order).</item>
/// </list>
/// Basis points are of the summed paper investment Q · P_d; positive = cost.
/// </summary>
public static class TradeShortfall
{
    private static readonly string[] PinnedDatasets = ["crsp/daily", "crsp/names"];

    /// <summary>The execution timing and commission of a stored backtest's canonical spec (<c>backtest/v1;...</c>).</summary>
    public static (Execution Execution, double CommissionBps) SettingsOf(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        if (!canonical.StartsWith("backtest/v1;", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{canonical.Split(';')[0]}' is not a backtest: execution analysis reads the trades of a backtest (not a walk-forward or Monte Carlo).");
        }

        var fields = canonical.Split(';').Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        return (Enum.Parse<Execution>(fields["execution"]), double.Parse(fields["commission_bps"], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Measures every trade. <paramref name="decision"/> gives the decision price and ticker of (permno, trade date), or
    /// null when CRSP lacks it (the trade is counted in <see cref="TradeShortfallReport.WithoutDecisionPrice"/>); a trade
    /// stored without its execution price is counted in <see cref="TradeShortfallReport.WithoutPrice"/>.
    /// </summary>
    public static TradeShortfallReport Measure(IEnumerable<StoredTrade> trades, Execution execution, double commissionBps, Func<int, DateOnly, (double Price, string? Ticker)?> decision, int largest = 100)
    {
        ArgumentNullException.ThrowIfNull(trades);
        var sum = new Accumulator(execution, commissionBps, decision, largest);
        foreach (var t in trades)
        {
            sum.Add(t);
        }

        return sum.Report();
    }

    /// <summary>The report built one trade at a time (a stored run's trades are streamed, not held).</summary>
    private sealed class Accumulator(Execution execution, double commissionBps, Func<int, DateOnly, (double Price, string? Ticker)?> decision, int largest)
    {
        private readonly double _commission = commissionBps / 1e4;
        private readonly SortedDictionary<DateOnly, ShortfallPeriod> _months = [];
        private readonly PriorityQueue<TradeShortfallRow, double> _top = new();
        private int _count, _noPrice, _noDecision;
        private double _investment, _fees, _delay, _trading;

        public void Add(StoredTrade t)
        {
            if (t.Value is not { } value || t.Price is not { } price || !(price > 0) || value == 0)
            {
                _noPrice++;
                return;
            }

            if (decision(t.Permno, t.Date) is not { } paper || !(paper.Price > 0))
            {
                _noDecision++;
                return;
            }

            var size = Math.Abs(t.WeightAfter - t.WeightBefore);
            var charged = t.Cost * Math.Abs(value) / size; // the cost fraction is of the capital at the trade, |value| / |Δw|
            var explicitCost = _commission * Math.Abs(value);
            var rate = (charged - explicitCost) / Math.Abs(value);
            var sign = value > 0 ? 1 : -1;
            var id = string.Create(CultureInfo.InvariantCulture, $"{t.Date:yyyy-MM-dd}/{t.Permno}");
            var quantity = Math.Abs(value) / price;
            var order = new ParentOrder(id, paper.Ticker ?? t.Permno.ToString(CultureInfo.InvariantCulture), sign > 0 ? ExecutionSide.Buy : ExecutionSide.Sell, quantity, paper.Price, null);
            var s = ImplementationShortfall.Measure(order, [new ChildFill(id, t.Date, null, quantity, price * (1 + (sign * rate)), explicitCost, price)]);

            _count++;
            _investment += s.PaperInvestment;
            (_fees, _delay, _trading) = (_fees + s.ExplicitCost, _delay + s.DelayCost, _trading + s.TradingCost);
            var month = new DateOnly(t.Date.Year, t.Date.Month, 1);
            var m = _months.TryGetValue(month, out var known) ? known : new ShortfallPeriod(month, 0, 0, 0, 0, 0);
            _months[month] = new ShortfallPeriod(month, m.Trades + 1, m.Investment + s.PaperInvestment, m.Explicit + s.ExplicitCost, m.Delay + s.DelayCost, m.Trading + s.TradingCost);
            if (largest > 0)
            {
                _top.Enqueue(new TradeShortfallRow(t, paper.Ticker, s), Math.Abs(s.Total));
                if (_top.Count > largest)
                {
                    _top.Dequeue();
                }
            }
        }

        public TradeShortfallReport Report()
        {
            var rows = new List<TradeShortfallRow>(_top.Count);
            while (_top.Count > 0)
            {
                rows.Add(_top.Dequeue());
            }

            rows.Reverse(); // largest first
            return new TradeShortfallReport(execution, commissionBps, _count, _noPrice, _noDecision, _investment, _fees, _delay, _trading, [.. _months.Values], rows);
        }
    }

    /// <summary>
    /// The decision price (the previous session's |prc| restated by the cfacpr ratio) and ticker of each (permno, date)
    /// asked for, from <c>crsp.daily</c> and <c>crsp.names</c> of <paramref name="session"/> (pin the run's versions); a
    /// day without a previous close or adjustment factors is left out.
    /// </summary>
    public static Dictionary<(int Permno, DateOnly Date), (double Price, string? Ticker)> DecisionPrices(WarehouseQuerySession session, IReadOnlyCollection<int> permnos, IReadOnlyCollection<DateOnly> dates)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(permnos);
        ArgumentNullException.ThrowIfNull(dates);
        var prices = new Dictionary<(int, DateOnly), (double, string?)>();
        if (permnos.Count == 0 || dates.Count == 0)
        {
            return prices;
        }

        var permnoList = string.Join(",", permnos.Order().Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var dateList = string.Join(",", dates.Order().Select(DuckDbSql.Date));
        var (first, last) = (dates.Min(), dates.Max());
        using var command = session.CreateTrustedCommand($"""
            WITH d AS (
                SELECT permno, date, lag(prc) OVER w AS before, cfacpr / lag(cfacpr) OVER w AS restate
                FROM crsp.daily WHERE permno IN ({permnoList}) AND date BETWEEN {DuckDbSql.Date(first.AddDays(-31))} AND {DuckDbSql.Date(last)}
                WINDOW w AS (PARTITION BY permno ORDER BY date))
            SELECT d.permno, d.date, abs(d.before) * d.restate,
                   (SELECT n.ticker FROM crsp.names n WHERE n.permno = d.permno AND n.namedt <= d.date ORDER BY n.namedt DESC LIMIT 1)
            FROM d WHERE d.date IN ({dateList}) AND d.before IS NOT NULL AND d.before <> 0 AND d.restate IS NOT NULL AND d.restate > 0
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            prices[(reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1))] = (reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return prices;
    }

    /// <summary>
    /// The execution analysis of stored backtest <paramref name="jobId"/> (its spec and data versions from the result
    /// index), decision prices from the CRSP version the run used.
    /// </summary>
    public static Task<TradeShortfallReport> AnalyzeAsync(WarehouseLayout layout, BacktestSeriesStore series, string jobId, string spec, IReadOnlyDictionary<string, string> dataVersions, TimeProvider clock, int largest = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        var (execution, commission) = SettingsOf(spec);
        return AnalyzeAsync(layout, $"job '{jobId}'", execution, commission, dataVersions, each => series.ForEachTradeAsync(jobId, each, cancellationToken), clock, largest);
    }

    /// <summary>The execution analysis of a run made in this process (<c>research backtest run --shortfall</c>): its trades as they would be stored, decision prices from its CRSP version.</summary>
    public static TradeShortfallReport Analyze(WarehouseLayout layout, BacktestRun run, TimeProvider clock, int largest = 100)
    {
        ArgumentNullException.ThrowIfNull(run);
        var t = BacktestSeriesStore.TradeColumns(run);
        double? Known(double x) => double.IsFinite(x) ? x : null;
        Task Each(Action<StoredTrade> each)
        {
            for (var k = 0; k < t.Dates.Length; k++)
            {
                each(new StoredTrade(t.Dates[k], t.Permnos[k], t.Before[k], t.After[k], t.Cost[k], t.Value[k], Known(t.Price[k]), Known(t.Shares[k]), t.Realized[k]));
            }

            return Task.CompletedTask;
        }

        var task = AnalyzeAsync(layout, "the run", run.Request.Execution, run.Request.Costs.CommissionBps, run.DataVersions, Each, clock, largest);
        return task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("the in-memory analysis completes synchronously");
    }

    /// <summary>Two passes over the trades: the PERMNOs and days for the decision prices, then the measures.</summary>
    private static async Task<TradeShortfallReport> AnalyzeAsync(WarehouseLayout layout, string what, Execution execution, double commission, IReadOnlyDictionary<string, string> dataVersions,
        Func<Action<StoredTrade>, Task> forEach, TimeProvider clock, int largest)
    {
        ArgumentNullException.ThrowIfNull(dataVersions);
        var pins = PinnedDatasets.ToDictionary(d => d, d => dataVersions.TryGetValue(d, out var v) ? v : throw new ArgumentException($"{what} did not record a version of {d}."), StringComparer.Ordinal);
        var (permnos, dates) = (new HashSet<int>(), new HashSet<DateOnly>());
        var priced = 0;
        await forEach(t =>
        {
            permnos.Add(t.Permno);
            dates.Add(t.Date);
            priced += t.Price is not null ? 1 : 0;
        }).ConfigureAwait(false);
        if (permnos.Count == 0)
        {
            throw new ArgumentException($"{what} made no trades.");
        }

        if (priced == 0)
        {
            throw new ArgumentException($"{what} has its trades without execution prices (results stored before prices were kept); run the same spec again to analyse its execution.");
        }

        Dictionary<(int, DateOnly), (double, string?)> decisions;
        using (var session = WarehouseQuerySession.OpenVersions(layout, pins, QueryLimits.Default, clock))
        {
            decisions = DecisionPrices(session, permnos, dates);
        }

        var sum = new Accumulator(execution, commission, (p, d) => decisions.TryGetValue((p, d), out var x) ? x : null, largest);
        await forEach(sum.Add).ConfigureAwait(false);
        var report = sum.Report();
        return report.Trades > 0 ? report
            : throw new ArgumentException($"{what}: none of its trades has a decision price ({report.WithoutPrice:N0} without an execution price, {report.WithoutDecisionPrice:N0} without a previous CRSP close and adjustment factors in crsp/daily@{pins["crsp/daily"]}).");
    }
}
