using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace Research.Silo.Storage;

/// <summary>
/// Grain state in a SQLite file (Development profile: <c>&lt;DataRoot&gt;/orleans/grains.db</c>). One row per
/// (state name, grain id) with an ETag for optimistic concurrency: a write whose ETag does not match the stored
/// one fails with <see cref="InconsistentStateException"/>, as with the ADO.NET provider. WAL mode, so reads
/// do not block the writer. Payloads use the silo's configured <see cref="IGrainStorageSerializer"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The SemaphoreSlim is an async lock whose wait handle is never read, so it holds nothing to release.")]
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _connectionString;
    private readonly IGrainStorageSerializer _serializer;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _init = new(1, 1);
    private bool _initialized;

    public SqliteGrainStorage(string databaseFile, IGrainStorageSerializer serializer, TimeProvider clock)
    {
        _clock = clock;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databaseFile))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databaseFile, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        _serializer = serializer;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload, etag FROM grain_state WHERE state_name = $s AND grain_id = $g";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (await reader.ReadAsync().ConfigureAwait(false))
        {
            var payload = (byte[])reader.GetValue(0);
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
            grainState.ETag = reader.GetString(1);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var newETag = Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        if (grainState.ETag is null)
        {
            command.CommandText = """
                INSERT INTO grain_state (state_name, grain_id, etag, payload, modified_utc) VALUES ($s, $g, $new, $p, $t)
                ON CONFLICT (state_name, grain_id) DO NOTHING
                """;
        }
        else
        {
            command.CommandText = "UPDATE grain_state SET etag = $new, payload = $p, modified_utc = $t WHERE state_name = $s AND grain_id = $g AND etag = $old";
            command.Parameters.AddWithValue("$old", grainState.ETag);
        }

        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$new", newETag);
        command.Parameters.AddWithValue("$p", payload);
        command.Parameters.AddWithValue("$t", _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        var changed = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        if (changed != 1)
        {
            throw new InconsistentStateException($"Grain state '{stateName}' of {grainId}: stored ETag differs from {grainState.ETag ?? "(none)"}; another activation wrote it.", "unknown", grainState.ETag ?? string.Empty);
        }

        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE state_name = $s AND grain_id = $g AND ($old IS NULL OR etag = $old)";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$old", (object?)grainState.ETag ?? DBNull.Value);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        if (!_initialized)
        {
            await _init.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_initialized)
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = """
                        PRAGMA journal_mode = WAL;
                        CREATE TABLE IF NOT EXISTS grain_state (
                            state_name   TEXT NOT NULL,
                            grain_id     TEXT NOT NULL,
                            etag         TEXT NOT NULL,
                            payload      BLOB NOT NULL,
                            modified_utc TEXT NOT NULL,
                            PRIMARY KEY (state_name, grain_id));
                        """;
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                    _initialized = true;
                }
            }
            finally
            {
                _init.Release();
            }
        }

        return connection;
    }
}
