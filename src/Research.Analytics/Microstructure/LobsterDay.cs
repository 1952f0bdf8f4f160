using System.Globalization;

namespace Research.Analytics.Microstructure;

/// <summary>
/// One LOBSTER event with the top of the book after it. Times are seconds after midnight (exchange time, New York);
/// prices in dollars (LOBSTER stores dollars × 10,000); a side without orders has a null price (LOBSTER's dummy prices
/// ±9,999,999,999 are read as missing).
/// </summary>
/// <param name="Type">1 new limit order, 2 partial cancellation, 3 deletion, 4 visible execution, 5 hidden execution, 6 cross trade, 7 trading halt.</param>
/// <param name="Direction">The side of the order the event is about: 1 buy (bid) order, −1 sell (ask) order.</param>
public readonly record struct LobsterEvent(double Time, int Type, long OrderId, int Size, double Price, int Direction, double? Ask, int AskSize, double? Bid, int BidSize)
{
    /// <summary>A trade of continuous trading: an execution of a visible or hidden limit order.</summary>
    public bool IsExecution => Type is 4 or 5;

    /// <summary>+1 for a buyer-initiated trade (a sell order executed), −1 for seller-initiated.</summary>
    public int Initiator => -Direction;

    public double? Mid => Ask is { } a && Bid is { } b ? (a + b) / 2 : null;
}

/// <summary>
/// A LOBSTER day at level 1 (LOBSTER's <c>message</c> and <c>orderbook</c> files, no header): every event in time order
/// with the best ask and bid after it (https://lobsterdata.com/info/DataStructure.php). A line that does not parse, or
/// files of different lengths, stop the read naming the file and line.
/// </summary>
public sealed class LobsterDay
{
    private const long DummyPrice = 9_999_999_999;

    private LobsterDay(string symbol, DateOnly date, LobsterEvent[] events) => (Symbol, Date, Events) = (symbol, date, events);

    public string Symbol { get; }

    public DateOnly Date { get; }

    public IReadOnlyList<LobsterEvent> Events { get; }

    /// <summary>
    /// Reads <paramref name="messageFile"/> and the orderbook file beside it (LOBSTER's names:
    /// <c>SYMBOL_DATE_START_END_message_LEVEL.csv</c> and <c>..._orderbook_LEVEL.csv</c>; the symbol and date come from the name).
    /// </summary>
    public static LobsterDay Read(string messageFile)
    {
        ArgumentNullException.ThrowIfNull(messageFile);
        var name = Path.GetFileName(messageFile);
        var parts = name.Split('_');
        if (parts.Length < 6 || parts[4] != "message" || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ArgumentException($"{messageFile}: not a LOBSTER message file name (SYMBOL_yyyy-MM-dd_START_END_message_LEVEL.csv).");
        }

        var book = Path.Combine(Path.GetDirectoryName(messageFile) ?? ".", name.Replace("_message_", "_orderbook_", StringComparison.Ordinal));
        foreach (var file in new[] { messageFile, book })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"{file}: no such file (a LOBSTER day needs its message and orderbook files side by side).", file);
            }
        }

        var events = new List<LobsterEvent>();
        using var messages = new StreamReader(messageFile);
        using var books = new StreamReader(book);
        var line = 0;
        while (true)
        {
            var m = messages.ReadLine();
            var b = books.ReadLine();
            line++;
            if (m is null || b is null)
            {
                if (m is not null || b is not null)
                {
                    throw new InvalidDataException($"{(m is null ? messageFile : book)} ends at line {line - 1}, {(m is null ? book : messageFile)} goes on: the two files must have one line per event.");
                }

                break;
            }

            if (m.Length == 0 && b.Length == 0)
            {
                continue;
            }

            var f = m.Split(',');
            var o = b.Split(',');
            if (f.Length < 6)
            {
                throw new InvalidDataException($"{messageFile} line {line}: {f.Length} fields, a message has 6 (time,type,order id,size,price,direction).");
            }

            if (o.Length < 4)
            {
                throw new InvalidDataException($"{book} line {line}: {o.Length} fields, a level-1 book row has 4 (ask price,ask size,bid price,bid size).");
            }

            var time = Number(f[0], messageFile, line, "time");
            if (events.Count > 0 && time < events[^1].Time)
            {
                throw new InvalidDataException($"{messageFile} line {line}: time {f[0]} is before the line above it.");
            }

            var ask = Whole(o[0], book, line, "ask price");
            var bid = Whole(o[2], book, line, "bid price");
            events.Add(new LobsterEvent(time, (int)Whole(f[1], messageFile, line, "type"), Whole(f[2], messageFile, line, "order id"), (int)Whole(f[3], messageFile, line, "size"),
                Whole(f[4], messageFile, line, "price") / 10_000.0, (int)Whole(f[5], messageFile, line, "direction"),
                Math.Abs(ask) >= DummyPrice ? null : ask / 10_000.0, (int)Whole(o[1], book, line, "ask size"),
                Math.Abs(bid) >= DummyPrice ? null : bid / 10_000.0, (int)Whole(o[3], book, line, "bid size")));
        }

        return new LobsterDay(parts[0], date, [.. events]);
    }

    private static double Number(string text, string file, int line, string what) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw new InvalidDataException($"{file} line {line}: {what} '{text}' is not a number.");

    private static long Whole(string text, string file, int line, string what) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
        : throw new InvalidDataException($"{file} line {line}: {what} '{text}' is not a whole number.");
}
