using System.Globalization;
using Orleans.Concurrency;
using Research.Analytics.Execution;
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
        string basis;
        switch (request.Source)
        {
            case "pasted":
                try
                {
                    using (var reader = new StringReader(request.OrdersText ?? string.Empty))
                    {
                        orders = ExecutionFiles.ReadOrders(reader, "orders").Orders;
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
                return await BacktestAsync(request.Job).ConfigureAwait(true);
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

        var total = ImplementationShortfall.Aggregate(shortfalls);
        return new ExecutionQualityView(
            [.. shortfalls.Select(s => new OrderCostView(s.Order.Id, s.Order.Symbol, s.Order.Side == ExecutionSide.Buy ? "buy" : "sell", s.Order.Quantity, s.Filled, s.AveragePrice, s.Order.DecisionPrice,
                s.PaperInvestment, s.Fraction(s.ExplicitCost) * 1e4, s.Fraction(s.DelayCost) * 1e4, s.Fraction(s.TradingCost) * 1e4, s.Fraction(s.OpportunityCost) * 1e4, s.Fraction(s.Total) * 1e4, s.Total))],
            total.Investment, total.Explicit / total.Investment * 1e4, total.Delay / total.Investment * 1e4, total.Trading / total.Investment * 1e4,
            total.Opportunity / total.Investment * 1e4, total.Total / total.Investment * 1e4, total.Total, basis);
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
