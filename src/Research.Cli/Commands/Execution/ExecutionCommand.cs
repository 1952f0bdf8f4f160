using System.CommandLine;
using System.Globalization;
using Research.Analytics.Execution;
using Research.Analytics.Microstructure;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Execution;

/// <summary>
/// <c>research execution analyze --orders FILE --fills FILE [--lobster FILE]</c>: implementation shortfall per parent
/// order and in total, split into explicit, delay, trading and opportunity costs (<see cref="ImplementationShortfall"/>);
/// with a LOBSTER day of the same symbol, the arrival, VWAP and TWAP benchmarks and the participation over each
/// order's trading interval (<see cref="ExecutionBenchmarks"/>).
/// </summary>
public static class ExecutionCommand
{
    /// <summary>One order's analysis as printed and written with --json (costs in basis points of the paper investment; NaN as null).</summary>
    public sealed record OrderLine(string Order, string Symbol, string Side, double Quantity, double Filled, double? AveragePrice, double PaperInvestment,
        double ExplicitBps, double DelayBps, double TradingBps, double OpportunityBps, double TotalBps, double TotalDollars,
        double? ArrivalBps, double? VwapBps, double? TwapBps, double? Participation, string? Interval);

    public static Command Create(CliOutput output)
    {
        var execution = new Command("execution", "Execution quality: implementation shortfall and its parts, slippage against arrival, VWAP and TWAP; an Almgren-Chriss schedule from the measured profile, volatility and spread.");
        execution.Subcommands.Add(Analyze(output));
        execution.Subcommands.Add(ScheduleCommand.Create(output));
        return execution;
    }

    private static double? N(double x) => double.IsFinite(x) ? x : null;

    private static Command Analyze(CliOutput output)
    {
        var orders = new Option<string>("--orders") { Description = "Parent orders, CSV: order,symbol,side (buy|sell),quantity,decision_price, optionally cancel_price (needed when shares are left unfilled), start and end (HH:mm:ss, New York).", Required = true };
        var fills = new Option<string>("--fills") { Description = "Fills, CSV: order,date (yyyy-MM-dd),quantity,price, optionally time (HH:mm:ss), fees (dollars) and benchmark (the previous close for a fill after the decision day; default the decision price).", Required = true };
        var lobster = new Option<string?>("--lobster") { Description = "A LOBSTER message file of the orders' symbol and day (its orderbook file beside it): arrival, VWAP and TWAP over each order's interval, and participation." };
        var taq = new Option<bool>("--taq") { Description = "Intraday benchmarks from the warehouse's TAQ tier 1 (one-minute bars of each order's symbol on its fills' day; minutes in whole) instead of a LOBSTER day." };
        var command = new Command("analyze", "Implementation shortfall per order and in total (explicit, delay, trading, opportunity), with intraday benchmarks from a LOBSTER day or TAQ tier 1.") { orders, fills, lobster, taq };
        command.SetAction(parse =>
        {
            var (parents, times) = ReadOrders(parse.GetValue(orders)!);
            var children = ReadFills(parse.GetValue(fills)!);
            IReadOnlyList<Shortfall> measured;
            try
            {
                measured = ExecutionFiles.Measure(parents, children, "--fills");
            }
            catch (InvalidDataException e)
            {
                throw new CliException(e.Message, e);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, e);
            }

            LobsterDay? day = null;
            if (parse.GetValue(lobster) is { } file)
            {
                try
                {
                    day = LobsterDay.Read(Path.GetFullPath(file));
                }
                catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
                {
                    throw new CliException("--lobster: " + e.Message, e);
                }
            }

            if (day is not null && parse.GetValue(taq))
            {
                throw new CliException("Give at most one of --lobster and --taq.");
            }

            using var tier1 = parse.GetValue(taq) ? OpenTier1(parse) : null;
            var lines = new List<OrderLine>();
            foreach (var s in measured)
            {
                var order = s.Order;
                var own = children.Where(f => f.Order == order.Id).ToList();
                IntradayComparison? intraday = null;
                if ((day is not null || tier1 is not null) && s.Filled > 0)
                {
                    if (day is not null && (!string.Equals(day.Symbol, order.Symbol, StringComparison.OrdinalIgnoreCase) || own.Any(f => f.Date != day.Date)))
                    {
                        throw new CliException($"--lobster is {day.Symbol} on {day.Date:yyyy-MM-dd}; order {order.Id} is {order.Symbol} with fills on {string.Join(", ", own.Select(f => f.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Distinct())}.");
                    }

                    if (tier1 is not null && own.Select(f => f.Date).Distinct().Count() > 1)
                    {
                        throw new CliException($"--taq: order {order.Id} has fills on several days; intraday benchmarks need one day.");
                    }

                    double from, to;
                    try
                    {
                        (from, to) = IntradayComparison.IntervalOf(order, own, times[order.Id]);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new CliException(e.Message, e);
                    }

                    intraday = IntradayComparison.Of(s, day is not null ? ExecutionBenchmarks.FromTicks(day.Events, from, to) : ExecutionBenchmarks.FromBars(Bars(tier1!, order.Symbol, own[0].Date), from, to));
                }

                lines.Add(new OrderLine(order.Id, order.Symbol, order.Side == ExecutionSide.Buy ? "buy" : "sell", order.Quantity, s.Filled, N(s.AveragePrice), s.PaperInvestment,
                    s.Fraction(s.ExplicitCost) * 1e4, s.Fraction(s.DelayCost) * 1e4, s.Fraction(s.TradingCost) * 1e4, s.Fraction(s.OpportunityCost) * 1e4, s.Fraction(s.Total) * 1e4, s.Total,
                    intraday?.ArrivalBps, intraday?.VwapBps, intraday?.TwapBps, intraday?.Participation, intraday?.Interval));
            }

            var total = ImplementationShortfall.Aggregate(measured);
            var summary = new
            {
                orders = lines.Count,
                paperInvestment = total.Investment,
                explicitBps = total.Explicit / total.Investment * 1e4,
                delayBps = total.Delay / total.Investment * 1e4,
                tradingBps = total.Trading / total.Investment * 1e4,
                opportunityBps = total.Opportunity / total.Investment * 1e4,
                totalBps = total.Total / total.Investment * 1e4,
                totalDollars = total.Total,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { orders = lines, total = summary });
                return ExitCodes.Ok;
            }

            string F(double? x, string f = "F2") => x is { } v ? v.ToString(f, CultureInfo.InvariantCulture) : "n/a";
            var table = new Table().AddColumns("Order", "Side", "Filled (shares)", "Avg price ($)", "Explicit (bps)", "Delay (bps)", "Trading (bps)", "Opportunity (bps)", "Total (bps)", "Total ($)");
            if (day is not null || tier1 is not null)
            {
                table.AddColumns("Interval", "vs arrival (bps)", "vs VWAP (bps)", "vs TWAP (bps)", "Participation");
            }

            foreach (var l in lines)
            {
                var cells = new List<string>
                {
                    Markup.Escape($"{l.Order} {l.Symbol}"), l.Side, $"{l.Filled:N0}/{l.Quantity:N0}", F(l.AveragePrice, "F4"), F(l.ExplicitBps), F(l.DelayBps), F(l.TradingBps), F(l.OpportunityBps), F(l.TotalBps), F(l.TotalDollars, "N2"),
                };
                if (day is not null || tier1 is not null)
                {
                    cells.AddRange([l.Interval ?? "n/a", F(l.ArrivalBps), F(l.VwapBps), F(l.TwapBps), F(l.Participation, "P2")]);
                }

                table.AddRow([.. cells]);
            }

            output.Console.Write(table);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"All {lines.Count} orders: implementation shortfall {summary.totalBps:F2} bps of a ${total.Investment:N2} paper investment (${total.Total:N2}): explicit {summary.explicitBps:F2}, delay {summary.delayBps:F2}, trading {summary.tradingBps:F2}, opportunity {summary.opportunityBps:F2} bps. Costs positive; benchmarks' slippage positive = worse than the benchmark."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Research.Data.Warehouse.WarehouseQuerySession OpenTier1(ParseResult parse)
    {
        var layout = WarehouseOptions.Layout(parse);
        if (new Research.Data.Warehouse.WarehouseCatalog(layout).ReadCurrent(TaqAggregates.Bars) is null)
        {
            throw new CliException($"--taq: {TaqAggregates.Bars} is not in the warehouse at {layout.Root}: run research taq sync (WRDS) or research taq aggregate (ticks already local).");
        }

        return Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, [TaqAggregates.Bars]);
    }

    /// <summary>A symbol's one-minute bars of a day from tier 1, refused by name when there are none.</summary>
    private static List<MinuteBar> Bars(Research.Data.Warehouse.WarehouseQuerySession session, string symbol, DateOnly date) =>
        TaqAggregates.ReadBars(session, symbol.ToUpperInvariant(), date) is { Count: > 0 } bars ? bars : throw new CliException($"--taq: tier 1 has no bars of {symbol} on {date:yyyy-MM-dd}.");

    private static (IReadOnlyList<ParentOrder> Orders, IReadOnlyDictionary<string, (double? Start, double? End)> Times) ReadOrders(string path)
    {
        try
        {
            using var reader = new StreamReader(Path.GetFullPath(path));
            var read = ExecutionFiles.ReadOrders(reader, path);
            return (read.Orders, read.Times);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CliException("--orders: " + e.Message, e);
        }
    }

    private static IReadOnlyList<ChildFill> ReadFills(string path)
    {
        try
        {
            using var reader = new StreamReader(Path.GetFullPath(path));
            return ExecutionFiles.ReadFills(reader, path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CliException("--fills: " + e.Message, e);
        }
    }
}
