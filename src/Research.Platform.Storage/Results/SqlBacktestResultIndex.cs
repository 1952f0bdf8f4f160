using System.Data.Common;
using Research.Backtesting.Results;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Results;

/// <summary>
/// The result index (<see cref="IBacktestResultIndex"/>) in the relational store: PostgreSQL in production (table from migration
/// <c>0005_backtest_results.sql</c>, applied by <c>research db migrate</c>), SQLite when embedded (created here). The SQL
/// is the subset both speak; recording is insert-if-absent, so a job finished twice (after a silo loss) leaves one row.
/// </summary>
public sealed class SqlBacktestResultIndex : IBacktestResultIndex
{
    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS backtest_results (
            job_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, requested_by TEXT NOT NULL,
            spec TEXT NOT NULL, data_versions TEXT NOT NULL, metrics TEXT NOT NULL, metrics_sha256 TEXT NOT NULL,
            series_folder TEXT NOT NULL, series_sha256 TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 0, starred INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS ix_backtest_results_created ON backtest_results (created_at_ms DESC);
        """;

    private const string Columns = "job_id, kind, label, requested_by, spec, data_versions, metrics, metrics_sha256, series_folder, series_sha256, created_at_ms, pinned, starred";

    private readonly RelationalStore _store;

    private SqlBacktestResultIndex(RelationalStore store) => _store = store;

    /// <summary>The embedded store: one SQLite file (created with its table when missing).</summary>
    public static SqlBacktestResultIndex Sqlite(string path) => new(RelationalStore.Sqlite(path, SqliteSchema));

    /// <summary>PostgreSQL; the table comes from the migrations.</summary>
    public static SqlBacktestResultIndex Postgres(string connectionString) => new(RelationalStore.Postgres(connectionString));

    /// <inheritdoc />
    public async Task<bool> RecordAsync(StoredResult row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO backtest_results ({Columns})
            VALUES (@job_id, @kind, @label, @requested_by, @spec, @data_versions, @metrics, @metrics_sha256, @series_folder, @series_sha256, @created_at_ms, @pinned, @starred)
            ON CONFLICT (job_id) DO NOTHING
            """;
        RelationalStore.Add(command, "job_id", row.JobId);
        RelationalStore.Add(command, "kind", row.Kind);
        RelationalStore.Add(command, "label", row.Label);
        RelationalStore.Add(command, "requested_by", row.RequestedBy);
        RelationalStore.Add(command, "spec", row.Spec);
        RelationalStore.Add(command, "data_versions", row.DataVersions);
        RelationalStore.Add(command, "metrics", row.Metrics);
        RelationalStore.Add(command, "metrics_sha256", row.MetricsSha256);
        RelationalStore.Add(command, "series_folder", row.SeriesFolder);
        RelationalStore.Add(command, "series_sha256", row.SeriesSha256);
        RelationalStore.Add(command, "created_at_ms", row.CreatedAt.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "pinned", (short)(row.Pinned ? 1 : 0));
        RelationalStore.Add(command, "starred", (short)(row.Starred ? 1 : 0));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<StoredResult?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM backtest_results WHERE job_id = @job_id";
        RelationalStore.Add(command, "job_id", jobId);
        var rows = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredResult>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM backtest_results ORDER BY created_at_ms DESC, job_id LIMIT @limit";
        RelationalStore.Add(command, "limit", (long)Math.Clamp(limit, 1, 10_000));
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredResult?> RecordAsync(string kind, string label, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM backtest_results WHERE kind = @kind AND label = @label ORDER BY pinned DESC, created_at_ms DESC, job_id LIMIT 1";
        RelationalStore.Add(command, "kind", kind);
        RelationalStore.Add(command, "label", label);
        var rows = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<bool> SetFlagsAsync(string jobId, bool? pinned, bool? starred, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE backtest_results SET pinned = COALESCE(@pinned, pinned), starred = COALESCE(@starred, starred) WHERE job_id = @job_id";
        RelationalStore.Add(command, "job_id", jobId);
        RelationalStore.Add(command, "pinned", pinned is null ? null : (short)(pinned.Value ? 1 : 0), System.Data.DbType.Int16);
        RelationalStore.Add(command, "starred", starred is null ? null : (short)(starred.Value ? 1 : 0), System.Data.DbType.Int16);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteUnflaggedAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM backtest_results WHERE job_id = @job_id AND pinned = 0 AND starred = 0";
        RelationalStore.Add(command, "job_id", jobId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<List<StoredResult>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredResult(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)), Convert.ToInt32(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture) != 0,
                Convert.ToInt32(reader.GetValue(12), System.Globalization.CultureInfo.InvariantCulture) != 0));
        }

        return rows;
    }
}
