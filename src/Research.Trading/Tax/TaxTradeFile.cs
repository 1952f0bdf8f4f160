using System.Globalization;

namespace Research.Trading.Tax;

/// <summary>
/// Trades and splits from CSV files (comma-separated, a header row, no quoting).
/// Trades: <c>id,date,account,symbol,side,quantity,price</c>, optionally <c>fees</c> and <c>lots</c> (specific
/// identification: <c>b1:50;b3:100</c>, buy ids and shares). Splits: <c>date,symbol,ratio</c>. Dates are yyyy-MM-dd,
/// numbers use a dot. Any bad field stops the read with the file, line and column.
/// </summary>
public static class TaxTradeFile
{
    public static IReadOnlyList<TaxTrade> ReadTrades(string path)
    {
        var rows = Read(path, ["id", "date", "account", "symbol", "side", "quantity", "price"], ["fees", "lots"]);
        return [.. rows.Select(r => new TaxTrade(r.Text("id"), r.Text("account"), r.Date("date"), r.Text("symbol"),
            r.Text("side").ToLowerInvariant() switch { "buy" => TaxSide.Buy, "sell" => TaxSide.Sell, var s => throw r.Bad("side", s, "buy or sell") },
            r.Number("quantity"), r.Number("price"), r.Has("fees") ? r.Number("fees") : 0, r.Has("lots") ? r.Picks("lots") : null))];
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
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty.")).Trim().Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
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

            var fields = text.Split(',');
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
