using DuckDB.NET.Data;
using Research.Data.Fetching;
using Research.Data.Warehouse;

namespace Research.Data.Etl;

/// <summary>
/// Rows of <c>prices/daily</c> and <c>yahoo/daily</c>, column by column: symbol, date, the provider that served the row
/// (<c>source</c>), currency, open/high/low/close, volume, total and price returns, dividend and split ratio (see
/// <see cref="DailyBar"/> for each field's convention). Files are sorted by symbol then date.
/// </summary>
public sealed class PriceTable
{
    public static IReadOnlyList<ParquetColumnSpec> Schema { get; } =
    [
        ParquetColumnSpec.Of<string>("symbol"), ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<string>("source"), ParquetColumnSpec.Of<string>("currency"),
        ParquetColumnSpec.OfNullable<double>("open"), ParquetColumnSpec.OfNullable<double>("high"), ParquetColumnSpec.OfNullable<double>("low"), ParquetColumnSpec.OfNullable<double>("close"),
        ParquetColumnSpec.OfNullable<double>("volume"), ParquetColumnSpec.OfNullable<double>("ret"), ParquetColumnSpec.OfNullable<double>("retx"),
        ParquetColumnSpec.OfNullable<double>("dividend"), ParquetColumnSpec.OfNullable<double>("split_ratio"),
    ];

    private readonly List<Row> _rows;

    /// <param name="capacity">Rows expected (the list is sized once).</param>
    public PriceTable(int capacity = 0) => _rows = new List<Row>(capacity);

    public int Count => _rows.Count;

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row) => _rows.Add(row);

    public void Add(string symbol, string currency, SourcedBar sourced)
    {
        var b = sourced.Bar;
        _rows.Add(new Row(symbol, b.Date, sourced.Source, currency, b.Open, b.High, b.Low, b.Close, b.Volume, b.Ret, b.RetX, b.Dividend, b.SplitRatio));
    }

    /// <summary>Writes <paramref name="rows"/> sorted by symbol then date; returns the row count.</summary>
    public static async Task<long> WriteAsync(string path, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var order = new int[rows.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => string.CompareOrdinal(rows[a].Symbol, rows[b].Symbol) is var c && c != 0 ? c : rows[a].Date.CompareTo(rows[b].Date));
        var n = order.Length;
        var (symbol, date, source, currency) = (new string[n], new DateOnly[n], new string[n], new string[n]);
        var values = new double?[9][];
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = new double?[n];
        }

        for (var k = 0; k < n; k++)
        {
            var r = rows[order[k]];
            (symbol[k], date[k], source[k], currency[k]) = (r.Symbol, r.Date, r.Source, r.Currency);
            (values[0][k], values[1][k], values[2][k], values[3][k], values[4][k]) = (r.Open, r.High, r.Low, r.Close, r.Volume);
            (values[5][k], values[6][k], values[7][k], values[8][k]) = (r.Ret, r.RetX, r.Dividend, r.SplitRatio);
        }

        return await ParquetTableWriter.WriteFileAsync(path, Schema, [symbol, date, source, currency, .. values], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every row of the given files (a parent version's partition).</summary>
    public static List<Row> Read(IReadOnlyList<string> files)
    {
        var rows = new List<Row>();
        if (files.Count == 0)
        {
            return rows;
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", Schema.Select(c => DuckDbSql.Identifier(c.Name)))} FROM read_parquet({DuckDbSql.List(files)})";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
            rows.Add(new Row(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2), reader.GetString(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11), D(12)));
        }

        return rows;
    }

    /// <summary>The last date of each symbol in the given files.</summary>
    public static Dictionary<string, DateOnly> LastDates(IReadOnlyList<string> files)
    {
        var last = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        if (files.Count == 0)
        {
            return last;
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT symbol, max(date) FROM read_parquet({DuckDbSql.List(files)}) GROUP BY symbol";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            last[reader.GetString(0)] = reader.GetFieldValue<DateOnly>(1);
        }

        return last;
    }

    /// <summary>One row (see the class for the columns).</summary>
    public readonly record struct Row(
        string Symbol, DateOnly Date, string Source, string Currency, double? Open, double? High, double? Low, double? Close,
        double? Volume, double? Ret, double? RetX, double? Dividend, double? SplitRatio);
}
