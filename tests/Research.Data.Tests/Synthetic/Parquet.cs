using DuckDB.NET.Data;

namespace Research.Data.Tests.Synthetic;

/// <summary>Reads generated Parquet through an in-memory DuckDB connection (test-side, independent of the generator).</summary>
internal static class Parquet
{
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static T Scalar<T>(string sql) => (T)Convert.ChangeType(Query(sql)[0][0]!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    public static string Glob(string root, string dataset) => Path.Combine(root, dataset, "**", "*.parquet").Replace('\\', '/');
}
