using Parquet;
using Parquet.Schema;

namespace Research.Data.Warehouse;

/// <summary>
/// Writes a Parquet file (zstd) one row group at a time from whole columns. The file is written under a
/// temporary name and renamed into place on <see cref="CompleteAsync"/>, so a crash never leaves a
/// half-written file under the final name. Supported column types: int, long, double, float, string, DateOnly,
/// bool, and int?, long?, double?, DateOnly?, bool? (NULL).
/// </summary>
public sealed class ParquetTableWriter : IAsyncDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private bool _completed;

    private ParquetTableWriter(string path, string tempPath, FileStream stream, ParquetWriter writer, DataField[] fields)
    {
        _path = path;
        _tempPath = tempPath;
        _stream = stream;
        _writer = writer;
        _fields = fields;
    }

    /// <summary>Rows written so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Creates the file (under a temporary name) with the given schema.</summary>
    public static async Task<ParquetTableWriter> CreateAsync(string path, IReadOnlyList<ParquetColumnSpec> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var fields = columns.Select(c => new DataField(c.Name, c.ClrType, c.Nullable)).ToArray();
        var schema = new ParquetSchema(fields);
        var tempPath = path + ".tmp-" + Environment.ProcessId;
        var stream = new FileStream(tempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        var options = new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Zstd,
            // The library defaults to SmallestSize (the slowest zstd levels); Optimal is ~20x faster for ~5% more bytes.
            CompressionLevel = System.IO.Compression.CompressionLevel.Optimal,
            // Decide dictionary encoding from a sample instead of scanning every value of high-cardinality columns.
            DictionaryEncodingSampleSize = 10_000,
        };
        var writer = await ParquetWriter.CreateAsync(schema, stream, options, append: false, cancellationToken).ConfigureAwait(false);
        return new ParquetTableWriter(path, tempPath, stream, writer, fields);
    }

    /// <summary>Writes a whole file from column arrays in row groups of at most <paramref name="rowGroup"/> rows; returns the row count.</summary>
    public static async Task<long> WriteFileAsync(string path, IReadOnlyList<ParquetColumnSpec> columns, IReadOnlyList<Array> data, int rowGroup = 500_000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var writer = await CreateAsync(path, columns, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var rows = data[0].Length;
            if (rows <= rowGroup)
            {
                await writer.WriteRowGroupAsync(data, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                for (var start = 0; start < rows; start += rowGroup)
                {
                    var length = Math.Min(rowGroup, rows - start);
                    var slice = new Array[data.Count];
                    for (var c = 0; c < slice.Length; c++)
                    {
                        slice[c] = Array.CreateInstance(data[c].GetType().GetElementType()!, length);
                        Array.Copy(data[c], start, slice[c], 0, length);
                    }

                    await writer.WriteRowGroupAsync(slice, cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.CompleteAsync().ConfigureAwait(false);
            return writer.RowCount;
        }
    }

    /// <summary>Writes one row group; every array must have the same length, in schema order.</summary>
    public async Task WriteRowGroupAsync(IReadOnlyList<Array> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count != _fields.Length)
        {
            throw new ArgumentException($"{Path.GetFileName(_path)}: expected {_fields.Length} columns, got {columns.Count}.", nameof(columns));
        }

        var rows = columns[0].Length;
        for (var i = 1; i < columns.Count; i++)
        {
            if (columns[i].Length != rows)
            {
                throw new ArgumentException($"{Path.GetFileName(_path)}: column '{_fields[i].Name}' has {columns[i].Length} rows, column '{_fields[0].Name}' has {rows}.", nameof(columns));
            }
        }

        using var group = _writer.CreateRowGroup();
        for (var i = 0; i < columns.Count; i++)
        {
            var field = _fields[i];
            var task = columns[i] switch
            {
                int[] a => group.WriteAsync<int>(field, a, null, null, cancellationToken),
                int?[] a => group.WriteAsync<int>(field, (ReadOnlyMemory<int?>)a, null, null, cancellationToken),
                long[] a => group.WriteAsync<long>(field, a, null, null, cancellationToken),
                long?[] a => group.WriteAsync<long>(field, (ReadOnlyMemory<long?>)a, null, null, cancellationToken),
                double[] a => group.WriteAsync<double>(field, a, null, null, cancellationToken),
                double?[] a => group.WriteAsync<double>(field, (ReadOnlyMemory<double?>)a, null, null, cancellationToken),
                float[] a => group.WriteAsync<float>(field, a, null, null, cancellationToken),
                bool[] a => group.WriteAsync<bool>(field, a, null, null, cancellationToken),
                bool?[] a => group.WriteAsync<bool>(field, (ReadOnlyMemory<bool?>)a, null, null, cancellationToken),
                DateOnly[] a => group.WriteAsync<DateOnly>(field, a, null, null, cancellationToken),
                DateOnly?[] a => group.WriteAsync<DateOnly>(field, (ReadOnlyMemory<DateOnly?>)a, null, null, cancellationToken),
                string[] a => group.WriteAsync(field, a, null),
                _ => throw new NotSupportedException($"Column '{field.Name}': arrays of {columns[i].GetType().GetElementType()} are not supported."),
            };
            await task.ConfigureAwait(false);
        }

        RowCount += rows;
    }

    /// <summary>Flushes the footer, fsyncs the file and renames it to its final name.</summary>
    public async Task CompleteAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Move(_tempPath, _path, overwrite: true);
        _completed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Delete(_tempPath);
    }
}
