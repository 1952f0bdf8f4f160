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

    private readonly List<Row> _rows = [];

    public int Count => _rows.Count;

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row) => _rows.Add(row);

    public void Add(string symbol, string currency, SourcedBar sourced)
    {
        ArgumentNullException.ThrowIfNull(sourced);
        var b = sourced.Bar;
        _rows.Add(new Row(symbol, b.Date, sourced.Source, currency, b.Open, b.High, b.Low, b.Close, b.Volume, b.Ret, b.RetX, b.Dividend, b.SplitRatio));
    }

    /// <summary>Writes <paramref name="rows"/> sorted by symbol then date; returns the row count.</summary>
    public static async Task<long> WriteAsync(string path, IEnumerable<Row> rows, CancellationToken cancellationToken)
    {
        var sorted = rows.OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.Date).ToList();
        return await ParquetTableWriter.WriteFileAsync(path, Schema,
            [
                sorted.Select(r => r.Symbol).ToArray(), sorted.Select(r => r.Date).ToArray(), sorted.Select(r => r.Source).ToArray(), sorted.Select(r => r.Currency).ToArray(),
                sorted.Select(r => r.Open).ToArray(), sorted.Select(r => r.High).ToArray(), sorted.Select(r => r.Low).ToArray(), sorted.Select(r => r.Close).ToArray(),
                sorted.Select(r => r.Volume).ToArray(), sorted.Select(r => r.Ret).ToArray(), sorted.Select(r => r.RetX).ToArray(),
                sorted.Select(r => r.Dividend).ToArray(), sorted.Select(r => r.SplitRatio).ToArray(),
            ],
            cancellationToken: cancellationToken).ConfigureAwait(false);
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
    public sealed record Row(
        string Symbol, DateOnly Date, string Source, string Currency, double? Open, double? High, double? Low, double? Close,
        double? Volume, double? Ret, double? RetX, double? Dividend, double? SplitRatio);
}
