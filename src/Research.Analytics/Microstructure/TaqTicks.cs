using System.Runtime.InteropServices;
using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Analytics.Microstructure;

/// <summary>One symbol-day of the warehouse's TAQ ticks as level-1 events, with the day's regular session (seconds after midnight).</summary>
public sealed record TickDay(string Symbol, DateOnly Date, double Open, double Close, IReadOnlyList<LobsterEvent> Events)
{
    /// <summary>Trades left out by Barndorff-Nielsen et al. (2009)'s T4: priced more than a spread outside the quote in force.</summary>
    public int TradesOutsideSpread { get; init; }
}

/// <summary>
/// The warehouse's <c>taq/trades</c> and <c>taq/quotes</c> merged per symbol-day into the level-1 event stream the LOBSTER
/// measures read: a quote is an event that sets the book (bid, ask and their sizes), a trade an execution at the book in
/// force (a quote and a trade at the same microsecond: the quote first; ticks of one kind at the same microsecond keep
/// the files' order). Trades take the side of the quote rule (above the midquote buyer-initiated, below
/// seller-initiated, at it the tick rule on the last different price). Cleaning: price and size positive, bid positive
/// and ask at least bid; the session's hours from the NYSE calendar (half days included); and Barndorff-Nielsen, Hansen,
/// Lunde and Shephard (2009)'s T4: a trade priced above the ask plus the spread, or below the bid minus the spread, of
/// the quote in force is left out (counted in <see cref="TickDay.TradesOutsideSpread"/>).
/// Read a date at a time (memory bounded by one day), each kind unsorted from DuckDB, grouped by symbol here and put in
/// time order only where the files are not already (a check, then a stable sort): DuckDB's global sort of the day was
/// most of the time (docs/PERFORMANCE.md). Days come in date order, symbols in ordinal order within a day.
/// </summary>
public static class TaqTicks
{
    public const string Trades = "taq/trades";

    public const string Quotes = "taq/quotes";

    public static IReadOnlyList<string> Datasets { get; } = [Trades, Quotes];

    public static IEnumerable<TickDay> Read(WarehouseQuerySession session, string? symbol = null, CancellationToken cancellationToken = default) =>
        Read(session, symbol, null, cancellationToken);

    /// <summary>Every symbol's ticks of one date (none when the warehouse has no ticks that day).</summary>
    public static IEnumerable<TickDay> ReadDate(WarehouseQuerySession session, DateOnly date, CancellationToken cancellationToken = default) =>
        Read(session, null, date, cancellationToken);

    private static IEnumerable<TickDay> Read(WarehouseQuerySession session, string? symbol, DateOnly? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Datasets.FirstOrDefault(d => !session.Pinned.ContainsKey(d)) is { } missing)
        {
            throw new ArgumentException($"{missing} is not in the warehouse: sync it first (research sync --dataset taq).");
        }

        var filter = (symbol is null ? string.Empty : $" AND sym_root = {DuckDbSql.Literal(symbol)}") + (only is { } d ? $" AND date = {DuckDbSql.Date(d)}" : string.Empty);
        var dates = new List<DateOnly>();
        using (var command = session.CreateTrustedCommand($"SELECT DISTINCT date FROM taq.quotes WHERE true{filter} UNION SELECT DISTINCT date FROM taq.trades WHERE true{filter} ORDER BY 1"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                dates.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        foreach (var date in dates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var symbols = new Dictionary<ulong, SymbolTicks>();
            var day = DuckDbSql.Date(date);
            Load(session, symbols, $"SELECT hash(sym_root), time_m_us::BIGINT, bid::DOUBLE, bidsiz::DOUBLE, ask::DOUBLE, asksiz::DOUBLE FROM taq.quotes WHERE date = {day} AND bid > 0 AND ask >= bid{filter}", quotes: true);
            Load(session, symbols, $"SELECT hash(sym_root), time_m_us::BIGINT, price::DOUBLE, size::DOUBLE FROM taq.trades WHERE date = {day} AND price > 0 AND size > 0{filter}", quotes: false);
            if (symbols.Count == 0)
            {
                continue;
            }

            // Names of the hashes seen (one small query a day, instead of a string per row).
            var names = new Dictionary<ulong, string>();
            using (var command = session.CreateTrustedCommand($"SELECT DISTINCT hash(sym_root), sym_root FROM (SELECT sym_root FROM taq.quotes WHERE date = {day}{filter} UNION ALL SELECT sym_root FROM taq.trades WHERE date = {day}{filter})"))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var hash = reader.GetFieldValue<ulong>(0);
                    var name = reader.GetString(1);
                    if (names.TryGetValue(hash, out var other) && other != name)
                    {
                        throw new InvalidDataException($"taq on {date:yyyy-MM-dd}: symbols {other} and {name} hash alike; read them one at a time (--symbol).");
                    }

                    names[hash] = name;
                }
            }

            var hours = NyseCalendar.Instance.GetSessionHours(date) ?? throw new InvalidDataException($"taq data on {date:yyyy-MM-dd}, which is not an NYSE session.");
            var open = hours.Open.ToTimeSpan().TotalSeconds;
            foreach (var (name, ticks) in symbols.Select(p => (names[p.Key], p.Value)).OrderBy(p => p.Item1, StringComparer.Ordinal))
            {
                var (events, outside) = ticks.Events();
                yield return new TickDay(name, date, open, open + hours.Length.TotalSeconds, events) { TradesOutsideSpread = outside };
            }
        }
    }

    private static void Load(WarehouseQuerySession session, Dictionary<ulong, SymbolTicks> symbols, string sql, bool quotes)
    {
        using var command = session.CreateTrustedCommand(sql);
        using var reader = command.ExecuteReader();
        SymbolTicks? current = null;
        var currentHash = 0UL;
        while (reader.Read())
        {
            var hash = reader.GetFieldValue<ulong>(0);
            if (current is null || hash != currentHash)
            {
                if (!symbols.TryGetValue(hash, out current))
                {
                    symbols[hash] = current = new SymbolTicks();
                }

                currentHash = hash;
            }

            if (quotes)
            {
                current.Quotes.Add(new Quote(reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)));
            }
            else
            {
                current.Trades.Add(new Trade(reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
            }
        }
    }

    private readonly record struct Quote(long Time, double Bid, double BidSize, double Ask, double AskSize);

    private readonly record struct Trade(long Time, double Price, double Size);

    private static int Shares(double size) => (int)Math.Clamp(size, 0, int.MaxValue);

    /// <summary>One symbol's quotes and trades of a day, as read.</summary>
    private sealed class SymbolTicks
    {
        public List<Quote> Quotes { get; } = [];

        public List<Trade> Trades { get; } = [];

        public (List<LobsterEvent> Events, int OutsideSpread) Events()
        {
            var quotes = CollectionsMarshal.AsSpan(Quotes);
            var trades = CollectionsMarshal.AsSpan(Trades);
            if (!Sorted(quotes, static q => q.Time))
            {
                StableSort(Quotes, static q => q.Time);
                quotes = CollectionsMarshal.AsSpan(Quotes);
            }

            if (!Sorted(trades, static t => t.Time))
            {
                StableSort(Trades, static t => t.Time);
                trades = CollectionsMarshal.AsSpan(Trades);
            }

            var events = new List<LobsterEvent>(quotes.Length + trades.Length);
            double? bid = null, ask = null;
            int bidSize = 0, askSize = 0;
            var lastPrice = double.NaN;
            var lastSign = 1;
            var outside = 0;
            int i = 0, j = 0;
            while (i < quotes.Length || j < trades.Length)
            {
                if (i < quotes.Length && (j >= trades.Length || quotes[i].Time <= trades[j].Time))
                {
                    var q = quotes[i++];
                    (bid, bidSize, ask, askSize) = (q.Bid, Shares(q.BidSize), q.Ask, Shares(q.AskSize));
                    events.Add(new LobsterEvent(q.Time / 1e6, 1, 0, 0, 0, 0, ask, askSize, bid, bidSize));
                }
                else
                {
                    var t = trades[j++];
                    if (bid is { } b4 && ask is { } a4 && (t.Price > a4 + (a4 - b4) || t.Price < b4 - (a4 - b4)))
                    {
                        outside++; // T4: more than a spread outside the quote in force
                        continue;
                    }

                    var mid = bid is { } bb && ask is { } aa ? (bb + aa) / 2 : double.NaN;
                    var sign = t.Price > mid ? 1 : t.Price < mid ? -1 : t.Price > lastPrice ? 1 : t.Price < lastPrice ? -1 : lastSign;
                    (lastSign, lastPrice) = (sign, t.Price);

                    // LOBSTER's direction is the resting order's side: a buyer-initiated trade hits a sell order (−1).
                    events.Add(new LobsterEvent(t.Time / 1e6, 4, 0, Shares(t.Size), t.Price, -sign, ask, askSize, bid, bidSize));
                }
            }

            return (events, outside);
        }

        private static bool Sorted<T>(ReadOnlySpan<T> items, Func<T, long> time)
        {
            for (var k = 1; k < items.Length; k++)
            {
                if (time(items[k]) < time(items[k - 1]))
                {
                    return false;
                }
            }

            return true;
        }

        private static void StableSort<T>(List<T> items, Func<T, long> time)
        {
            var ordered = items.Select((item, k) => (item, k)).OrderBy(p => time(p.item)).ThenBy(p => p.k).Select(p => p.item).ToList();
            items.Clear();
            items.AddRange(ordered);
        }
    }
}
