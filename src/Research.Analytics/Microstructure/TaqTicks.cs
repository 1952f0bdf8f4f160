using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Analytics.Microstructure;

/// <summary>One symbol-day of the warehouse's TAQ ticks as level-1 events, with the day's regular session (seconds after midnight).</summary>
public sealed record TickDay(string Symbol, DateOnly Date, double Open, double Close, IReadOnlyList<LobsterEvent> Events);

/// <summary>
/// The warehouse's <c>taq/trades</c> and <c>taq/quotes</c> merged per symbol-day into the level-1 event stream the LOBSTER
/// measures read: a quote is an event that sets the book (bid, ask and their sizes), a trade an execution at the book in
/// force (a quote and a trade at the same microsecond: the quote first). Trades take the side of the quote rule (above
/// the midquote buyer-initiated, below seller-initiated, at it the tick rule on the last different price). Cleaning:
/// price and size positive, bid positive and ask at least bid; the session's hours from the NYSE calendar (half days
/// included).
/// </summary>
public static class TaqTicks
{
    public static IReadOnlyList<string> Datasets { get; } = ["taq/trades", "taq/quotes"];

    public static IEnumerable<TickDay> Read(WarehouseQuerySession session, string? symbol = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Datasets.FirstOrDefault(d => !session.Pinned.ContainsKey(d)) is { } missing)
        {
            throw new ArgumentException($"{missing} is not in the warehouse: sync it first (research sync --dataset taq).");
        }

        var filter = symbol is null ? string.Empty : $" AND sym_root = {DuckDbSql.Literal(symbol)}";
        using var command = session.CreateTrustedCommand($"""
            SELECT date, sym_root, time_m_us::BIGINT AS t, 0 AS kind, bid::DOUBLE AS a, bidsiz::DOUBLE AS b, ask::DOUBLE AS c, asksiz::DOUBLE AS d FROM taq.quotes WHERE bid > 0 AND ask >= bid{filter}
            UNION ALL
            SELECT date, sym_root, time_m_us::BIGINT, 1, price::DOUBLE, size::DOUBLE, NULL::DOUBLE, NULL::DOUBLE FROM taq.trades WHERE price > 0 AND size > 0{filter}
            ORDER BY date, sym_root, t, kind
            """);
        using var reader = command.ExecuteReader();
        var more = reader.Read();
        while (more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (date, name) = (DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetString(1));
            var events = new List<LobsterEvent>();
            double? bid = null, ask = null;
            int bidSize = 0, askSize = 0;
            var lastPrice = double.NaN;
            var lastSign = 1;
            while (more && DateOnly.FromDateTime(reader.GetDateTime(0)) == date && reader.GetString(1) == name)
            {
                var time = reader.GetInt64(2) / 1e6;
                if (reader.GetInt32(3) == 0)
                {
                    (bid, bidSize, ask, askSize) = (reader.GetDouble(4), Shares(reader.GetDouble(5)), reader.GetDouble(6), Shares(reader.GetDouble(7)));
                    events.Add(new LobsterEvent(time, 1, 0, 0, 0, 0, ask, askSize, bid, bidSize));
                }
                else
                {
                    var price = reader.GetDouble(4);
                    var mid = bid is { } bb && ask is { } aa ? (bb + aa) / 2 : double.NaN;
                    var sign = price > mid ? 1 : price < mid ? -1 : price > lastPrice ? 1 : price < lastPrice ? -1 : lastSign;
                    (lastSign, lastPrice) = (sign, price);

                    // LOBSTER's direction is the resting order's side: a buyer-initiated trade hits a sell order (−1).
                    events.Add(new LobsterEvent(time, 4, 0, Shares(reader.GetDouble(5)), price, -sign, ask, askSize, bid, bidSize));
                }

                more = reader.Read();
            }

            var hours = NyseCalendar.Instance.GetSessionHours(date) ?? throw new InvalidDataException($"taq data on {date:yyyy-MM-dd}, which is not an NYSE session.");
            var open = hours.Open.ToTimeSpan().TotalSeconds;
            yield return new TickDay(name, date, open, open + hours.Length.TotalSeconds, events);
        }
    }

    private static int Shares(double size) => (int)Math.Clamp(size, 0, int.MaxValue);
}
