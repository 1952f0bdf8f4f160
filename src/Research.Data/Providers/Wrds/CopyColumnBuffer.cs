using Npgsql;
using NpgsqlTypes;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Wrds;

/// <summary>One column's values for the row group being streamed from a binary COPY.</summary>
internal abstract class CopyColumnBuffer(ParquetColumnSpec spec)
{
    public ParquetColumnSpec Spec { get; } = spec;

    /// <summary>The year of the date at <paramref name="index"/> (date columns only).</summary>
    public int YearAt(int index) => this is Typed<DateOnly> dates ? dates[index].Year
        : throw new InvalidOperationException($"Column '{Spec.Name}' is not a non-null date column.");

    public static CopyColumnBuffer For(ParquetColumnSpec spec, int capacity) => (spec.ClrType.Name, spec.Nullable) switch
    {
        (nameof(Int32), false) => new Typed<int>(spec, capacity, NpgsqlDbType.Integer),
        (nameof(Int32), true) => new NullableTyped<int>(spec, capacity, NpgsqlDbType.Integer),
        (nameof(Int64), false) => new Typed<long>(spec, capacity, NpgsqlDbType.Bigint),
        (nameof(Double), false) => new Typed<double>(spec, capacity, NpgsqlDbType.Double),
        (nameof(Double), true) => new NullableTyped<double>(spec, capacity, NpgsqlDbType.Double),
        (nameof(Single), false) => new Typed<float>(spec, capacity, NpgsqlDbType.Real),
        (nameof(Boolean), false) => new Typed<bool>(spec, capacity, NpgsqlDbType.Boolean),
        (nameof(DateOnly), false) => new Typed<DateOnly>(spec, capacity, NpgsqlDbType.Date),
        (nameof(DateOnly), true) => new NullableTyped<DateOnly>(spec, capacity, NpgsqlDbType.Date),
        (nameof(String), _) => new Text(spec, capacity),
        _ => throw new NotSupportedException($"Column '{spec.Name}': {spec.ClrType.Name}{(spec.Nullable ? "?" : "")} cannot be streamed from COPY."),
    };

    /// <summary>Reads the current column of the current row (synchronously: a bulk stream reads from a filled buffer, and
    /// per-value async calls cost more CPU than the decoding itself).</summary>
    public abstract void Read(NpgsqlBinaryExporter export, int index, string what, long row);

    /// <summary>The first <paramref name="count"/> values as an array of exactly that length.</summary>
    public abstract Array Take(int count);

    /// <summary>Copies the value at <paramref name="from"/> to <paramref name="to"/>.</summary>
    public abstract void Move(int from, int to);

    protected WrdsException UnexpectedNull(string what, long row) => new(WrdsErrorKind.SchemaMismatch,
        $"{what}: column '{Spec.Name}' is NULL at row {row + 1:N0}, but the warehouse schema does not allow NULL there.");

    private sealed class Typed<T>(ParquetColumnSpec spec, int capacity, NpgsqlDbType type) : CopyColumnBuffer(spec)
    {
        private readonly T[] _values = new T[capacity];

        public T this[int index] => _values[index];

        public override void Read(NpgsqlBinaryExporter export, int index, string what, long row)
        {
            if (export.IsNull)
            {
                throw UnexpectedNull(what, row);
            }

            _values[index] = export.Read<T>(type);
        }

        public override Array Take(int count) => count == _values.Length ? _values : _values[..count];

        public override void Move(int from, int to) => _values[to] = _values[from];
    }

    private sealed class NullableTyped<T>(ParquetColumnSpec spec, int capacity, NpgsqlDbType type) : CopyColumnBuffer(spec)
        where T : struct
    {
        private readonly T?[] _values = new T?[capacity];

        public override void Read(NpgsqlBinaryExporter export, int index, string what, long row)
        {
            if (export.IsNull)
            {
                export.Skip();
                _values[index] = null;
                return;
            }

            _values[index] = export.Read<T>(type);
        }

        public override Array Take(int count) => count == _values.Length ? _values : _values[..count];

        public override void Move(int from, int to) => _values[to] = _values[from];
    }

    private sealed class Text(ParquetColumnSpec spec, int capacity) : CopyColumnBuffer(spec)
    {
        private readonly string?[] _values = new string?[capacity];

        public override void Read(NpgsqlBinaryExporter export, int index, string what, long row)
        {
            if (export.IsNull)
            {
                if (!Spec.Nullable)
                {
                    throw UnexpectedNull(what, row);
                }

                export.Skip();
                _values[index] = null;
                return;
            }

            _values[index] = export.Read<string>(NpgsqlDbType.Text);
        }

        public override Array Take(int count) => count == _values.Length ? _values : _values[..count];

        public override void Move(int from, int to) => _values[to] = _values[from];
    }
}
