using System.Globalization;
using Research.Core.Text;

namespace Research.Analytics.Execution;

/// <summary>Parent orders as read: the orders, and each one's trading interval (seconds after midnight) where given.</summary>
public sealed record ExecutionOrders(IReadOnlyList<ParentOrder> Orders, IReadOnlyDictionary<string, (double? Start, double? End)> Times);

/// <summary>
/// The execution analysis's two tables, from files (<c>research execution analyze</c>) or pasted text (the console):
/// orders <c>order,symbol,side,quantity,decision_price[,cancel_price][,start][,end]</c> and fills
/// <c>order,date,quantity,price[,time][,fees][,benchmark]</c>. A bad value stops the read naming the table, line and column
/// (<see cref="InvalidDataException"/>).
/// </summary>
public static class ExecutionFiles
{
    private static readonly string[] OrderColumns = ["order", "symbol", "side", "quantity", "decision_price"];
    private static readonly string[] OrderOptional = ["cancel_price", "start", "end"];
    private static readonly string[] FillColumns = ["order", "date", "quantity", "price"];
    private static readonly string[] FillOptional = ["time", "fees", "benchmark"];

    public static ExecutionOrders ReadOrders(TextReader reader, string name)
    {
        var orders = new List<ParentOrder>();
        var times = new Dictionary<string, (double?, double?)>(StringComparer.Ordinal);
        foreach (var r in CsvRecords.Read(reader, name, OrderColumns, OrderOptional))
        {
            var id = r.Text("order");
            if (times.ContainsKey(id))
            {
                throw r.Bad("order", id, "a new order id (it is listed twice)");
            }

            var side = r.Text("side").ToLowerInvariant() switch { "buy" => ExecutionSide.Buy, "sell" => ExecutionSide.Sell, var s => throw r.Bad("side", s, "buy or sell") };
            orders.Add(new ParentOrder(id, r.Text("symbol"), side, Positive(r, "quantity"), Positive(r, "decision_price"), r.Has("cancel_price") ? Positive(r, "cancel_price") : null));
            times[id] = (Time(r, "start")?.ToTimeSpan().TotalSeconds, Time(r, "end")?.ToTimeSpan().TotalSeconds);
        }

        return orders.Count > 0 ? new ExecutionOrders(orders, times) : throw new InvalidDataException($"{name}: no orders.");
    }

    public static IReadOnlyList<ChildFill> ReadFills(TextReader reader, string name) =>
        [.. CsvRecords.Read(reader, name, FillColumns, FillOptional).Select(r =>
        {
            var fees = r.Has("fees") ? (double)r.Number("fees") : 0;
            return new ChildFill(r.Text("order"), r.Date("date"), Time(r, "time"), Positive(r, "quantity"), Positive(r, "price"), fees >= 0 ? fees : throw r.Bad("fees", r.Text("fees"), "zero or more"),
                r.Has("benchmark") ? Positive(r, "benchmark") : double.NaN);
        })];

    /// <summary>Every order's shortfall (a fill without a benchmark is held to its order's decision price), refusing fills of unlisted orders.</summary>
    public static IReadOnlyList<Shortfall> Measure(IReadOnlyList<ParentOrder> orders, IReadOnlyList<ChildFill> fills, string fillsName)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(fills);
        if (fills.FirstOrDefault(f => orders.All(o => o.Id != f.Order)) is { } orphan)
        {
            throw new InvalidDataException($"{fillsName}: a fill of order '{orphan.Order}' on {orphan.Date:yyyy-MM-dd}, which the orders do not list.");
        }

        return [.. orders.Select(order => ImplementationShortfall.Measure(order,
            [.. fills.Where(f => f.Order == order.Id).Select(f => double.IsNaN(f.Benchmark) ? f with { Benchmark = order.DecisionPrice } : f)]))];
    }

    private static TimeOnly? Time(CsvRecord r, string column) => !r.Has(column) ? null
        : TimeOnly.TryParseExact(r.Text(column), ["HH:mm:ss", "HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : throw r.Bad(column, r.Text(column), "a time as HH:mm:ss");

    private static double Positive(CsvRecord r, string column) => (double)r.Number(column) is var v && v > 0 ? v : throw r.Bad(column, r.Text(column), "a positive number");
}
