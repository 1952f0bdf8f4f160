using System.Globalization;
using Orleans.Concurrency;
using Research.Analytics.Execution;
using Research.Analytics.Microstructure;
using Research.Backtesting.Results;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.ExecutionQuality;
using Research.Grains.Abstractions.Trading;
using Research.Grains.Backtests;

namespace Research.Grains.ExecutionQuality;

/// <summary>
/// Execution quality for the console (<see cref="IExecutionQualityGrain"/>): pasted tables read by <see cref="ExecutionFiles"/>, or
/// a paper account's orders and fills from its <see cref="IExecutionGatewayGrain"/> (the caller needs <c>trading.view</c> for
/// that), each order's decision price the CRSP close of the last session on or before the day it was created and an
/// unfilled remainder valued at the close of the day it was last updated; then <see cref="ImplementationShortfall"/>.
/// </summary>
[StatelessWorker]
public sealed class ExecutionQualityGrain(WarehouseLayout layout, TimeProvider clock) : Grain, IExecutionQualityGrain
{
    /// <summary>Orders analysed at most per request.</summary>
    public const int MaxOrders = 5_000;

    /// <summary>A backtest's trades listed one by one: the largest by |shortfall| (all of them are in the totals).</summary>
    public const int ListedTrades = 200;

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public async Task<ExecutionQualityView> AnalyzeAsync(ExecutionQualityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<ParentOrder> orders;
        IReadOnlyList<ChildFill> fills;
        IReadOnlyDictionary<string, (double? Start, double? End)> times = new Dictionary<string, (double?, double?)>();
        string basis;
        switch (request.Source)
        {
            case "pasted":
                try
                {
                    using (var reader = new StringReader(request.OrdersText ?? string.Empty))
                    {
                        (orders, times) = ExecutionFiles.ReadOrders(reader, "orders");
                    }

                    using (var reader = new StringReader(request.FillsText ?? string.Empty))
                    {
                        fills = ExecutionFiles.ReadFills(reader, "fills");
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new ArgumentException(e.Message, e);
                }

                basis = "Decision prices as pasted";
                break;
            case "account":
                if (string.IsNullOrWhiteSpace(request.Account))
                {
                    throw new ArgumentException("account: name the paper account whose orders to analyse.");
                }

                var gateway = GrainFactory.GetGrain<IExecutionGatewayGrain>(request.Account);
                var placed = (await gateway.OrdersAsync(false, MaxOrders).ConfigureAwait(true)).Where(o => o.Filled > 0 || o.Status == "cancelled").ToList();
                var executed = await gateway.FillsAsync(0, 50_000).ConfigureAwait(true);
                if (placed.Count == 0)
                {
                    throw new ArgumentException($"account {request.Account}: no filled or cancelled order to analyse yet.");
                }

                (orders, fills) = await Task.Run(() => FromAccount(placed, executed)).ConfigureAwait(true);
                basis = "Decision price: the CRSP close of the last session on or before each order's day; unfilled shares at the close of its last update";
                break;
            case "backtest":
                return request.Intraday ? throw new ArgumentException("intraday: a backtest trades at daily closes or opens; intraday benchmarks are for pasted orders and paper accounts.")
                    : await BacktestAsync(request.Job).ConfigureAwait(true);
            default:
                throw new ArgumentException($"source: '{request.Source}' is not pasted, account or backtest.");
        }

        if (orders.Count > MaxOrders)
        {
            throw new ArgumentException($"orders: {orders.Count:N0}; the page takes at most {MaxOrders:N0} (use research execution analyze).");
        }

        IReadOnlyList<Shortfall> shortfalls;
        try
        {
            shortfalls = ExecutionFiles.Measure(orders, fills, "fills");
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, e);
        }

        Dictionary<string, IntradayComparison>? intraday = null;
        if (request.Intraday)
        {
            (var version, intraday) = await Task.Run(() => Intraday(shortfalls, fills, times)).ConfigureAwait(true);
            basis += $"; intraday benchmarks from the one-minute bars of {version} over each order's interval (its start and end, else its first and last fill)";
        }

        var total = ImplementationShortfall.Aggregate(shortfalls);
        return new ExecutionQualityView(
            [.. shortfalls.Select(s =>
            {
                var i = intraday?.GetValueOrDefault(s.Order.Id);
                return new OrderCostView(s.Order.Id, s.Order.Symbol, s.Order.Side == ExecutionSide.Buy ? "buy" : "sell", s.Order.Quantity, s.Filled, s.AveragePrice, s.Order.DecisionPrice,
                    s.PaperInvestment, s.Fraction(s.ExplicitCost) * 1e4, s.Fraction(s.DelayCost) * 1e4, s.Fraction(s.TradingCost) * 1e4, s.Fraction(s.OpportunityCost) * 1e4, s.Fraction(s.Total) * 1e4, s.Total,
                    i?.Interval, i?.ArrivalBps, i?.VwapBps, i?.TwapBps, i?.Participation);
            })],
            total.Investment, total.Explicit / total.Investment * 1e4, total.Delay / total.Investment * 1e4, total.Trading / total.Investment * 1e4,
            total.Opportunity / total.Investment * 1e4, total.Total / total.Investment * 1e4, total.Total, basis);
    }

    /// <summary>Each filled order against TAQ tier 1's one-minute bars of its symbol on its fills' day (one day per order), as <c>research execution analyze --taq</c> does.</summary>
    private (string Version, Dictionary<string, IntradayComparison> Orders) Intraday(IReadOnlyList<Shortfall> shortfalls, IReadOnlyList<ChildFill> fills, IReadOnlyDictionary<string, (double? Start, double? End)> times)
    {
        var bars = new WarehouseCatalog(layout).ReadCurrent(TaqAggregates.Bars)
            ?? throw new ArgumentException($"intraday: {TaqAggregates.Bars} is not in the warehouse; run research taq sync (WRDS) or research taq aggregate (ticks already local).");
        using var session = WarehouseQuerySession.OpenVersions(layout, new Dictionary<string, string> { [TaqAggregates.Bars] = bars.VersionId }, QueryLimits.Default, clock);
        var compared = new Dictionary<string, IntradayComparison>(StringComparer.Ordinal);
        foreach (var s in shortfalls.Where(s => s.Filled > 0))
        {
            var own = fills.Where(f => f.Order == s.Order.Id).ToList();
            if (own.Select(f => f.Date).Distinct().Count() > 1)
            {
                throw new ArgumentException($"intraday: order {s.Order.Id} has fills on several days; intraday benchmarks need one day.");
            }

            try
            {
                var (from, to) = IntradayComparison.IntervalOf(s.Order, own, times.GetValueOrDefault(s.Order.Id));
                var minutes = TaqAggregates.ReadBars(session, s.Order.Symbol.ToUpperInvariant(), own[0].Date);
                compared[s.Order.Id] = minutes.Count > 0 ? IntradayComparison.Of(s, ExecutionBenchmarks.FromBars(minutes, from, to))
                    : throw new ArgumentException($"intraday: tier 1 has no bars of {s.Order.Symbol} on {own[0].Date:yyyy-MM-dd} (order {s.Order.Id}).");
            }
            catch (InvalidDataException e)
            {
                throw new ArgumentException("intraday: " + e.Message, e);
            }
        }

        return ($"{TaqAggregates.Bars} {bars.VersionId}", compared);
    }

    /// <summary>A stored backtest's trades (<see cref="TradeShortfall"/>): every trade in the totals and months, the largest listed.</summary>
    private async Task<ExecutionQualityView> BacktestAsync(string? job)
    {
        if (string.IsNullOrWhiteSpace(job))
        {
            throw new ArgumentException("job: name the backtest job whose trades to analyse (for example bt-0123456789abcdef).");
        }

        // Silos that host backtests have their results; a trading-only silo says so.
        var backtests = ServiceProvider.GetService(typeof(BacktestServices)) as BacktestServices ?? throw new ArgumentException("backtest: this cluster does not store backtest results.");
        var row = await backtests.Index.GetAsync(job.Trim()).ConfigureAwait(true) ?? throw new ArgumentException($"job '{job.Trim()}' has no stored result (not run, still running, or deleted by retention).");
        var versions = ResultDocuments.Deserialize<Dictionary<string, string>>(row.DataVersions);
        var r = await Task.Run(() => TradeShortfall.AnalyzeAsync(layout, backtests.Series, row.JobId, row.Spec, versions, clock, ListedTrades)).ConfigureAwait(true);
        double Bps(double dollars, double investment) => dollars / investment * 1e4;
        var orders = r.Largest.Select(t =>
        {
            var s = t.Shortfall;
            return new OrderCostView(s.Order.Id, s.Order.Symbol, s.Order.Side == ExecutionSide.Buy ? "buy" : "sell", s.Order.Quantity, s.Filled, s.AveragePrice, s.Order.DecisionPrice, s.PaperInvestment,
                s.Fraction(s.ExplicitCost) * 1e4, s.Fraction(s.DelayCost) * 1e4, s.Fraction(s.TradingCost) * 1e4, 0, s.Fraction(s.Total) * 1e4, s.Total);
        }).ToArray();
        var months = r.Months.Select(m => new PeriodCostView(m.Month, m.Trades, m.Investment, Bps(m.Explicit, m.Investment), Bps(m.Delay, m.Investment), Bps(m.Trading, m.Investment), Bps(m.Total, m.Investment))).ToArray();
        var left = r.WithoutPrice + r.WithoutDecisionPrice;
        var basis = $"Trades of {row.JobId}: decided at the close before each trade (the stock's previous CRSP close in the trade day's shares, by the cfacpr ratio, from the run's version), filled in full at the modelled "
            + $"{(r.Execution == Research.Backtesting.Engine.Execution.NextOpen ? "next open" : "next close")}; explicit is the commission ({r.CommissionBps:G} bps), trading the half spread and impact the engine charged"
            + (left == 0 ? string.Empty : $"; {left:N0} trades left out ({r.WithoutPrice:N0} without an execution price, {r.WithoutDecisionPrice:N0} without a previous CRSP close)");
        return new ExecutionQualityView(orders, r.PaperInvestment, r.Bps(r.Explicit), r.Bps(r.Delay), r.Bps(r.Trading), 0, r.Bps(r.Total), r.Total, basis, r.Trades, months);
    }

    /// <summary>A paper account's orders as parent orders priced from CRSP closes, and its fills as child fills.</summary>
    private (IReadOnlyList<ParentOrder> Orders, IReadOnlyList<ChildFill> Fills) FromAccount(List<OrderView> placed, FillView[] executed)
    {
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, ["crsp/daily", "crsp/names"]);
        var closes = new Dictionary<(string, DateOnly), double>();
        double Close(string symbol, DateOnly day)
        {
            if (closes.TryGetValue((symbol, day), out var known))
            {
                return known;
            }

            using var command = session.CreateTrustedCommand($"""
                WITH n AS (SELECT permno FROM crsp.names WHERE ticker = {DuckDbSql.Literal(symbol)} ORDER BY nameendt DESC LIMIT 1)
                SELECT abs(prc) FROM crsp.daily WHERE permno = (SELECT permno FROM n) AND prc IS NOT NULL AND date <= {DuckDbSql.Date(day)} ORDER BY date DESC LIMIT 1
                """);
            var value = command.ExecuteScalar();
            var close = value is null or DBNull ? throw new ArgumentException($"{symbol}: no CRSP close on or before {day:yyyy-MM-dd} in the warehouse (the decision price of its orders).") : Convert.ToDouble(value, CultureInfo.InvariantCulture);
            closes[(symbol, day)] = close;
            return close;
        }

        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, NewYork).DateTime);
        var orders = placed.Select(o => new ParentOrder(o.Ticket.ClientOrderId, o.Ticket.Symbol, o.Ticket.Side == TicketSide.Buy ? ExecutionSide.Buy : ExecutionSide.Sell, o.Ticket.Quantity,
            Close(o.Ticket.Symbol, Day(o.CreatedAt)), o.Filled < o.Ticket.Quantity ? Close(o.Ticket.Symbol, Day(o.UpdatedAt)) : null)).ToList();
        var ids = orders.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var fills = executed.Where(f => ids.Contains(f.ClientOrderId))
            .Select(f => new ChildFill(f.ClientOrderId, Day(f.At), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(f.At, NewYork).DateTime), f.Quantity, f.Price, f.Cost, double.NaN)).ToList();
        return (orders, fills);
    }
}
