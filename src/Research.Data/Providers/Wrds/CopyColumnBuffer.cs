using Npgsql;
using NpgsqlTypes;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Wrds;

/// <summary>One column's values for the row group being streamed from a binary COPY.</summary>
internal abstract class CopyColumnBuffer(ParquetColumnSpec spec)
{
    public ParquetColumnSpec Spec { get; } = spec;

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

    public abstract ValueTask ReadAsync(NpgsqlBinaryExporter export, int index, string what, long row, CancellationToken cancellationToken);

    /// <summary>The first <paramref name="count"/> values as an array of exactly that length.</summary>
    public abstract Array Take(int count);

    protected WrdsException UnexpectedNull(string what, long row) => new(WrdsErrorKind.SchemaMismatch,
        $"{what}: column '{Spec.Name}' is NULL at row {row + 1:N0}, but the warehouse schema does not allow NULL there.");

    private sealed class Typed<T>(ParquetColumnSpec spec, int capacity, NpgsqlDbType type) : CopyColumnBuffer(spec)
    {
        private readonly T[] _values = new T[capacity];

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter export, int index, string what, long row, CancellationToken cancellationToken)
        {
            if (export.IsNull)
            {
                throw UnexpectedNull(what, row);
            }

            _values[index] = await export.ReadAsync<T>(type, cancellationToken).ConfigureAwait(false);
        }

        public override Array Take(int count) => count == _values.Length ? _values : _values[..count];
    }

    private sealed class NullableTyped<T>(ParquetColumnSpec spec, int capacity, NpgsqlDbType type) : CopyColumnBuffer(spec)
        where T : struct
    {
        private readonly T?[] _values = new T?[capacity];

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter export, int index, string what, long row, CancellationToken cancellationToken)
        {
            if (export.IsNull)
            {
                await export.SkipAsync(cancellationToken).ConfigureAwait(false);
                _values[index] = null;
                return;
            }

            _values[index] = await export.ReadAsync<T>(type, cancellationToken).ConfigureAwait(false);
        }

        public override Array Take(int count) => count == _values.Length ? _values : _values[..count];
    }

    private sealed class Text(ParquetColumnSpec spec, int capacity) : CopyColumnBuffer(spec)
    {
        private readonly string?[] _values = new string?[capacity];

        public override async ValueTask ReadAsync(NpgsqlBinaryExporter export, int index, string what, long row, CancellationToken cancellationToken)
        {
            if (export.IsNull)
            {
                if (!Spec.Nullable)
                {
                    throw UnexpectedNull(what, row);
                }

                await export.SkipAsync(cancellationToken).ConfigureAwait(false);
                _values[index] = null;
                return;
            }

            _values[index] = await export.ReadAsync<string>(NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }

        public override Array Take(int count) => count == _values.Length ? _values : _values[..count];
    }
}
