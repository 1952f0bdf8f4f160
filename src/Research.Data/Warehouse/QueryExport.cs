using System.Globalization;
using System.Text;

namespace Research.Data.Warehouse;

/// <summary>
/// A query result (<see cref="QueryResult"/>, already within the session's row and byte limits) written as CSV or
/// Parquet, as the dataset explorer and <c>research query --output</c> export it:
/// - CSV: a header of the column names, RFC 4180 quoting, invariant numbers (doubles round-trip), dates
///   <c>yyyy-MM-dd</c>, timestamps <c>yyyy-MM-dd HH:mm:ss.fffffff</c>, NULL as an empty field, lists and structs as JSON.
/// - Parquet (zstd): BIGINT/INTEGER/SMALLINT/TINYINT columns as nullable 64-bit integers, DOUBLE/FLOAT/DECIMAL as
///   nullable doubles, DATE as nullable dates, BOOLEAN as nullable booleans, everything else as text in the CSV form.
/// </summary>
public static class QueryExport
{
    /// <summary>The formats: <c>csv</c> and <c>parquet</c>.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["csv", "parquet"];

    public static string Csv(QueryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.AppendJoin(',', result.Columns.Select(CsvField)).Append("\r\n");
        foreach (var row in result.Rows)
        {
            text.AppendJoin(',', row.Select(v => CsvField(v is null ? null : Text(v)))).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>Writes the result to a Parquet file at <paramref name="path"/> (written under a temporary name, then renamed).</summary>
    public static async Task ParquetAsync(QueryResult result, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var specs = new List<ParquetColumnSpec>();
        var data = new List<Array>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < result.Columns.Count; c++)
        {
            // Parquet needs distinct column names; a repeated name (SELECT a, a) gets its position appended.
            var name = names.Add(result.Columns[c]) ? result.Columns[c] : $"{result.Columns[c]}_{c + 1}";
            names.Add(name);
            var column = c;
            switch (Kind(result.Types[c]))
            {
                case 'l':
                    specs.Add(new ParquetColumnSpec(name, typeof(long), true));
                    data.Add(result.Rows.Select(r => r[column] is null ? (long?)null : Convert.ToInt64(r[column], CultureInfo.InvariantCulture)).ToArray());
                    break;
                case 'd':
                    specs.Add(new ParquetColumnSpec(name, typeof(double), true));
                    data.Add(result.Rows.Select(r => r[column] is null ? (double?)null : Convert.ToDouble(r[column], CultureInfo.InvariantCulture)).ToArray());
                    break;
                case 't':
                    specs.Add(new ParquetColumnSpec(name, typeof(DateOnly), true));
                    data.Add(result.Rows.Select(r => r[column] switch { null => (DateOnly?)null, DateOnly d => d, DateTime t => DateOnly.FromDateTime(t), var v => DateOnly.Parse(Text(v), CultureInfo.InvariantCulture) }).ToArray());
                    break;
                case 'b':
                    specs.Add(new ParquetColumnSpec(name, typeof(bool), true));
                    data.Add(result.Rows.Select(r => r[column] is null ? (bool?)null : Convert.ToBoolean(r[column], CultureInfo.InvariantCulture)).ToArray());
                    break;
                default:
                    specs.Add(new ParquetColumnSpec(name, typeof(string), true));
                    data.Add(result.Rows.Select(r => r[column] is null ? null : Text(r[column]!)).ToArray());
                    break;
            }
        }

        if (specs.Count == 0)
        {
            throw new InvalidOperationException("A result without columns cannot be written as Parquet.");
        }

        await ParquetTableWriter.WriteFileAsync(path, specs, data, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The result as the bytes of a Parquet file (written to a temporary file, read back, deleted).</summary>
    public static async Task<byte[]> ParquetBytesAsync(QueryResult result, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(Path.GetTempPath(), $"research-export-{Guid.NewGuid():N}.parquet");
        try
        {
            await ParquetAsync(result, path, cancellationToken).ConfigureAwait(false);
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A value's text as the CSV export writes it.</summary>
    public static string Text(object value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        float x => x.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable and not string => System.Text.Json.JsonSerializer.Serialize(value),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>A CSV field: quoted when it holds a comma, quote or line break (RFC 4180); null is empty.</summary>
    public static string CsvField(string? value) =>
        value is null ? string.Empty : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static char Kind(string duckType) => duckType switch
    {
        "BIGINT" or "INTEGER" or "SMALLINT" or "TINYINT" or "UINTEGER" or "USMALLINT" or "UTINYINT" => 'l',
        "DOUBLE" or "FLOAT" or "REAL" => 'd',
        _ when duckType.StartsWith("DECIMAL", StringComparison.Ordinal) => 'd',
        "DATE" => 't',
        "BOOLEAN" => 'b',
        _ => 's',
    };
}
