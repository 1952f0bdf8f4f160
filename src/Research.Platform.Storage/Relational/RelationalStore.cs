using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Research.Platform.Storage.Relational;

/// <summary>
/// A connection source for one of the platform's relational tables: SQLite when embedded (the table's schema is created
/// on the first connection, WAL journal) or PostgreSQL in production (the schema comes from the migrations). Stores
/// that use it write only the SQL both dialects speak.
/// </summary>
public sealed class RelationalStore
{
    private readonly Func<DbConnection> _connect;
    private readonly string? _sqliteSchema;
    private volatile bool _schemaReady;

    private RelationalStore(Func<DbConnection> connect, string? sqliteSchema)
    {
        _connect = connect;
        _sqliteSchema = sqliteSchema;
        _schemaReady = sqliteSchema is null;
    }

    /// <summary>True for the embedded SQLite store.</summary>
    public bool IsSqlite => _sqliteSchema is not null;

    /// <summary>One SQLite file (created, with <paramref name="schema"/>, when missing).</summary>
    public static RelationalStore Sqlite(string path, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30, Pooling = false }.ToString();
        return new RelationalStore(() => new SqliteConnection(connectionString), schema);
    }

    /// <summary>PostgreSQL; the tables come from <c>research db migrate</c>.</summary>
    public static RelationalStore Postgres(string connectionString) => new(() => new NpgsqlConnection(connectionString), null);

    /// <summary>An open connection (the caller disposes it).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _connect();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_schemaReady)
            {
                await using (var pragma = connection.CreateCommand())
                {
                    pragma.CommandText = "PRAGMA journal_mode = WAL";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var schema = connection.CreateCommand();
                schema.CommandText = _sqliteSchema;
                await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _schemaReady = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds a named parameter (<c>@name</c> in the SQL); null becomes SQL NULL of <paramref name="nullType"/>.</summary>
    public static void Add(DbCommand command, string name, object? value, System.Data.DbType nullType = System.Data.DbType.String)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = nullType;
        }

        command.Parameters.Add(parameter);
    }
}
