using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

/// <summary>A query result written as CSV (RFC 4180) and as Parquet, read back by DuckDB with its types and NULLs.</summary>
public sealed class QueryExportTests
{
    private const string Sql = "SELECT * FROM (VALUES (1::BIGINT, 0.1::DOUBLE, DATE '2024-01-02', true, 'a,b \"c\"'), (NULL, NULL, NULL, NULL, NULL), (3, 1e300, DATE '1999-12-31', false, 'line\nbreak')) t(n, x, d, flag, s) ORDER BY n NULLS LAST";

    [Fact]
    public async Task Csv_quotes_what_needs_quoting_writes_doubles_exactly_and_nulls_as_empty_fields()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 1, 1);
        using var session = w.Open();
        var csv = QueryExport.Csv(session.Query(Sql));
        Assert.Equal("n,x,d,flag,s\r\n1,0.1,2024-01-02,true,\"a,b \"\"c\"\"\"\r\n3,1E+300,1999-12-31,false,\"line\nbreak\"\r\n,,,,\r\n", csv);
    }

    [Fact]
    public async Task Parquet_keeps_integers_doubles_dates_booleans_text_and_nulls()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 1, 1);
        using var session = w.Open();
        var bytes = await QueryExport.ParquetBytesAsync(session.Query(Sql), TestContext.Current.CancellationToken);
        var path = Path.Combine(w.Layout.Root, "export.parquet");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        using var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT typeof(n), typeof(x), typeof(d), typeof(flag), typeof(s), n, x, d, flag, s FROM read_parquet('{path}')";
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[10];
            for (var i = 0; i < 10; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        Assert.Equal(3, rows.Count);
        Assert.Equal(["BIGINT", "DOUBLE", "DATE", "BOOLEAN", "VARCHAR"], rows[0][..5]);
        Assert.Equal([1L, 0.1, new DateOnly(2024, 1, 2), true, "a,b \"c\""], rows[0][5..]);
        Assert.Equal([3L, 1e300, new DateOnly(1999, 12, 31), false, "line\nbreak"], rows[1][5..]);
        Assert.All(rows[2][5..], Assert.Null);
    }
}
