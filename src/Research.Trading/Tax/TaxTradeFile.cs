using System.Globalization;
using Research.Core.Text;

namespace Research.Trading.Tax;

/// <summary>
/// Trades and splits from CSV files (comma-separated, a header row; a field may be quoted as RFC 4180 has it).
/// Trades: <c>id,date,account,symbol,side,quantity,price</c>, optionally <c>fees</c> and <c>lots</c> (specific
/// identification: <c>b1:50;b3:100</c>, buy ids and shares); or the trade journal's CSV export of an account
/// (<c>key,at,security,...,side,quantity,price,...,cost,...</c>: key <c>ACCOUNT:SEQUENCE</c>, dated on the New York day of
/// <c>at</c>, the cost as fees). Splits: <c>date,symbol,ratio</c>. Dates are yyyy-MM-dd, numbers use a dot. Any bad
/// field stops the read with the file, line and column.
/// </summary>
public static class TaxTradeFile
{
    /// <summary>The trade journal's export columns this reader needs (the journal's other columns are ignored).</summary>
    private static readonly string[] JournalColumns = ["key", "at", "security", "side", "quantity", "price", "cost"];

    public static IReadOnlyList<TaxTrade> ReadTrades(string path)
    {
        if (IsJournal(path))
        {
            return [.. Read(path, JournalColumns, []).Select(FromJournal)];
        }

        var rows = Read(path, ["id", "date", "account", "symbol", "side", "quantity", "price"], ["fees", "lots"]);
        return [.. rows.Select(r => new TaxTrade(r.Text("id"), r.Text("account"), r.Date("date"), r.Text("symbol"),
            r.Text("side").ToLowerInvariant() switch { "buy" => TaxSide.Buy, "sell" => TaxSide.Sell, var s => throw r.Bad("side", s, "buy or sell") },
            r.Number("quantity"), r.Number("price"), r.Has("fees") ? r.Number("fees") : 0, r.Has("lots") ? Picks(r, "lots") : null))];
    }

    private static bool IsJournal(string path)
    {
        var header = CsvRecords.ReadHeader(path);
        return !header.Contains("id") && header.Contains("key") && header.Contains("at");
    }

    /// <summary>A journal row of an account: a backtest's journal is in weights of capital and is refused.</summary>
    private static TaxTrade FromJournal(CsvRecord r)
    {
        var key = r.Text("key");
        var colon = key.LastIndexOf(':');
        if (colon <= 0 || key.IndexOf(':') != colon || !long.TryParse(key[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw r.Bad("key", key, "an account fill's key ACCOUNT:SEQUENCE (a backtest's journal is in weights of capital, not shares: export an account's journal)");
        }

        if (!DateTimeOffset.TryParse(r.Text("at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            throw r.Bad("at", r.Text("at"), "a time as yyyy-MM-ddTHH:mm:ssZ");
        }

        var quantity = Math.Abs(r.Number("quantity"));
        var side = r.Text("side").ToLowerInvariant() switch { "buy" => TaxSide.Buy, "sell" => TaxSide.Sell, var s => throw r.Bad("side", s, "buy or sell") };
        return new TaxTrade(key, key[..colon], DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Research.Core.Calendars.NyseCalendar.TimeZone).DateTime), r.Text("security"), side,
            quantity, r.Number("price"), r.Has("cost") ? Math.Abs(r.Number("cost")) : 0);
    }

    public static IReadOnlyList<StockSplit> ReadSplits(string path) =>
        [.. Read(path, ["date", "symbol", "ratio"], []).Select(r => new StockSplit(r.Date("date"), r.Text("symbol"), r.Number("ratio")))];

    private static IReadOnlyList<CsvRecord> Read(string path, string[] required, string[] optional) => CsvRecords.Read(path, required, optional);

    private static IReadOnlyList<LotPick> Picks(CsvRecord r, string column) => [.. r.Text(column).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
    {
        var at = p.LastIndexOf(':');
        return at > 0 && decimal.TryParse(p[(at + 1)..], NumberStyles.Number, CultureInfo.InvariantCulture, out var q) && q > 0
            ? new LotPick(p[..at], q)
            : throw r.Bad(column, p, "lots as buyid:shares;buyid:shares");
    })];
}
