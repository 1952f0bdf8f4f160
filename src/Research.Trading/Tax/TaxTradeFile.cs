using System.Globalization;

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
            r.Number("quantity"), r.Number("price"), r.Has("fees") ? r.Number("fees") : 0, r.Has("lots") ? r.Picks("lots") : null))];
    }

    private static bool IsJournal(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var reader = new StreamReader(path);
        var header = Fields(reader.ReadLine() ?? string.Empty).Select(h => h.Trim().ToLowerInvariant()).ToArray();
        return !header.Contains("id") && header.Contains("key") && header.Contains("at");
    }

    /// <summary>A journal row of an account: a backtest's journal is in weights of capital and is refused.</summary>
    private static TaxTrade FromJournal(Row r)
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

    /// <summary>One line's fields: split at commas outside double quotes; a quoted field's doubled quote is one quote.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    public static IReadOnlyList<StockSplit> ReadSplits(string path) =>
        [.. Read(path, ["date", "symbol", "ratio"], []).Select(r => new StockSplit(r.Date("date"), r.Text("symbol"), r.Number("ratio")))];

    private static List<Row> Read(string path, string[] required, string[] optional)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        using var reader = new StreamReader(path);
        var header = Fields((reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty.")).Trim().TrimStart('\uFEFF')).Select(h => h.Trim().ToLowerInvariant()).ToArray();
        if (required.FirstOrDefault(c => !header.Contains(c)) is { } missing)
        {
            throw new InvalidDataException($"{path}: column '{missing}' is missing (the header needs {string.Join(",", required)}{(optional.Length > 0 ? ", optionally " + string.Join(",", optional) : string.Empty)}; found {string.Join(",", header)}).");
        }

        var columns = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i, StringComparer.Ordinal);
        var rows = new List<Row>();
        var line = 1;
        for (var text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (text.Count(c => c == '"') % 2 != 0)
            {
                throw new InvalidDataException($"{path} line {line}: a quoted field does not end on the line (a line break inside a note is not read).");
            }

            var fields = Fields(text).ToArray();
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path} line {line}: {fields.Length} fields, the header has {header.Length}.");
            }

            rows.Add(new Row(path, line, columns, fields));
        }

        return rows;
    }

    private sealed record Row(string Path, int Line, Dictionary<string, int> Columns, string[] Fields)
    {
        public bool Has(string column) => Columns.TryGetValue(column, out var i) && !string.IsNullOrWhiteSpace(Fields[i]);

        public string Text(string column) => Fields[Columns[column]].Trim() is { Length: > 0 } t ? t : throw Bad(column, string.Empty, "a value");

        public DateOnly Date(string column) =>
            DateOnly.TryParseExact(Text(column), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw Bad(column, Text(column), "a date as yyyy-MM-dd");

        public decimal Number(string column) =>
            decimal.TryParse(Text(column), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(column, Text(column), "a number");

        public IReadOnlyList<LotPick> Picks(string column) => [.. Text(column).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
        {
            var at = p.LastIndexOf(':');
            return at > 0 && decimal.TryParse(p[(at + 1)..], NumberStyles.Number, CultureInfo.InvariantCulture, out var q) && q > 0
                ? new LotPick(p[..at], q)
                : throw Bad(column, p, "lots as buyid:shares;buyid:shares");
        })];

        public InvalidDataException Bad(string column, string value, string expected) => new($"{Path} line {Line}, column {column}: '{value}' is not {expected}.");
    }
}
