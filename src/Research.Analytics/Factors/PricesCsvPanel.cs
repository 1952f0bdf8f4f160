using System.Globalization;
using Research.Core.Panels;

namespace Research.Analytics.Factors;

/// <summary>
/// Reads a long daily prices file (<c>date,open,high,low,close,volume,Name</c>, one row per ticker and day, as in
/// the public S&amp;P 500 five-year panel) into an <see cref="EquityPanel"/> without market caps, industries or
/// fundamentals. The return of a day is close / previous session's close - 1 when the ticker traded on both
/// sessions; closes are split-adjusted and carry no dividends, so returns are price returns.
/// Rows with an empty close are skipped and counted; a malformed number, a close that is not a finite positive price
/// (NaN, infinity, above <see cref="MaximumPrice"/>), a negative or non-finite volume, a duplicated (ticker, date), a
/// missing column or a file without a single price is an error naming the file and line.
/// </summary>
public static class PricesCsvPanel
{
    /// <summary>No listed share has traded near this ($1 billion): a larger close is a unit or parsing error, not a price.</summary>
    public const double MaximumPrice = 1e9;

    public static EquityPanel Load(string path, out int skippedRows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Prices file {path} does not exist.", path);
        }

        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty.")).Trim().Split(',');
        int Column(string name)
        {
            var index = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 ? index : throw new InvalidDataException($"{path}: header has no '{name}' column (found: {string.Join(",", header)}).");
        }

        var (dateColumn, closeColumn, volumeColumn, nameColumn) = (Column("date"), Column("close"), Column("volume"), Column("Name"));
        var rows = new List<(DateOnly Date, string Name, double Close, double Volume)>();
        var line = 1;
        skippedRows = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var fields = text.Split(',');
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path} line {line}: {fields.Length} fields, the header has {header.Length}.");
            }

            if (fields[closeColumn].Length == 0)
            {
                skippedRows++;
                continue;
            }

            if (!DateOnly.TryParseExact(fields[dateColumn], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new InvalidDataException($"{path} line {line}: date '{fields[dateColumn]}' is not yyyy-MM-dd.");
            }

            if (!double.TryParse(fields[closeColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var close) || !double.IsFinite(close) || close <= 0 || close > MaximumPrice)
            {
                throw new InvalidDataException($"{path} line {line}: close '{fields[closeColumn]}' is not a price (a finite number above 0 and at most {MaximumPrice:G}).");
            }

            var volume = double.NaN;
            if (fields[volumeColumn].Length > 0
                && (!double.TryParse(fields[volumeColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out volume) || !double.IsFinite(volume) || volume < 0))
            {
                throw new InvalidDataException($"{path} line {line}: volume '{fields[volumeColumn]}' is not a finite number of shares at or above 0.");
            }

            rows.Add((date, fields[nameColumn].Trim(), close, volume));
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no prices below the header ({skippedRows} row(s) without a close); the panel needs at least two days.");
        }

        var dates = rows.Select(r => r.Date).Distinct().Order().ToArray();
        var tickers = rows.Select(r => r.Name).Distinct().Order(StringComparer.Ordinal).ToArray();
        var dateIndex = dates.Select((d, t) => (d, t)).ToDictionary(x => x.d, x => x.t);
        var tickerIndex = tickers.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var n = tickers.Length;
        var axes = new PanelAxes(dates, [.. Enumerable.Range(1, n)]);
        var closes = axes.Missing();
        var dollarVolume = axes.Missing();
        foreach (var row in rows)
        {
            var cell = (dateIndex[row.Date] * n) + tickerIndex[row.Name];
            if (!double.IsNaN(closes[cell]))
            {
                throw new InvalidDataException($"{path}: two rows for {row.Name} on {row.Date:yyyy-MM-dd}.");
            }

            closes[cell] = row.Close;
            dollarVolume[cell] = row.Close * row.Volume;
        }

        var returns = axes.Missing();
        for (var t = 1; t < dates.Length; t++)
        {
            for (var i = 0; i < n; i++)
            {
                var (now, before) = (closes[(t * n) + i], closes[((t - 1) * n) + i]);
                if (!double.IsNaN(now) && !double.IsNaN(before))
                {
                    returns[(t * n) + i] = (now / before) - 1.0;
                }
            }
        }

        var panel = new EquityPanel(axes.Dates, axes.Ids, tickers, returns, axes.Missing(), dollarVolume, axes.Missing())
        {
            HasMarketCap = false,
            HasIndustries = false,
            HasFundamentals = false,
            Provenance = $"{Path.GetFileName(path)} ({rows.Count} rows, {skippedRows} without a close skipped)",
        };
        for (var i = 0; i < n; i++)
        {
            panel.Names[i] = [new NameSpan(dates[0], dates[^1], true, -1)];
        }

        return panel;
    }
}
