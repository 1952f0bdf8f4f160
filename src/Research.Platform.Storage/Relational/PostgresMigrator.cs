using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Research.Platform.Storage.Relational;

/// <summary>
/// Applies the project's PostgreSQL schema scripts (embedded, versioned <c>NNNN_name.sql</c>):
/// 1. Take a session advisory lock, so that two <c>research db migrate</c> runs never interleave.
/// 2. Create <c>research_schema_migrations</c> when missing and read what is applied.
/// 3. Refuse to go on when an applied script's checksum differs from the shipped one (someone edited a
///    released migration): name the script.
/// 4. Apply each pending script in its own transaction, recording version, name, checksum and time.
/// </summary>
public sealed class PostgresMigrator(string connectionString, TimeProvider clock)
{
    private const long AdvisoryLockKey = 0x52455345415243; // "RESEARC"

    /// <summary>The scripts shipped with this build, in version order.</summary>
    public static IReadOnlyList<SchemaMigration> Shipped { get; } = LoadShipped();

    /// <summary>Applies pending migrations; returns the ones applied by this call.</summary>
    public async Task<IReadOnlyList<SchemaMigration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS research_schema_migrations (
                    version    integer     NOT NULL PRIMARY KEY,
                    name       text        NOT NULL,
                    sha256     text        NOT NULL,
                    applied_at timestamptz NOT NULL)
                """, cancellationToken).ConfigureAwait(false);
            var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var m in Shipped.Where(m => applied.ContainsKey(m.Version)))
            {
                if (!string.Equals(applied[m.Version], m.Sha256, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"Migration {m.Version:D4}_{m.Name}.sql was changed after it was applied (checksum {applied[m.Version][..12]}... in the database, {m.Sha256[..12]}... shipped); add a new migration instead of editing an applied one.");
                }
            }

            var done = new List<SchemaMigration>();
            foreach (var m in Shipped.Where(m => !applied.ContainsKey(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await ExecuteAsync(connection, transaction, m.Sql, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException e)
                {
                    throw new InvalidOperationException($"Migration {m.Version:D4}_{m.Name}.sql failed: {e.MessageText} (SQLSTATE {e.SqlState}); nothing of it was applied.", e);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO research_schema_migrations (version, name, sha256, applied_at) VALUES ($1, $2, $3, $4)", connection, transaction))
                {
                    record.Parameters.AddWithValue(m.Version);
                    record.Parameters.AddWithValue(m.Name);
                    record.Parameters.AddWithValue(m.Sha256);
                    record.Parameters.AddWithValue(clock.GetUtcNow());
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(m);
            }

            return done;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Versions applied in the database with their checksums (empty when never migrated).</summary>
    public async Task<IReadOnlyDictionary<int, string>> AppliedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('research_schema_migrations') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return new Dictionary<int, string>();
        }

        return await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<int, string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, sha256 FROM research_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<SchemaMigration> LoadShipped()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        const string prefix = "migrations/PostgreSQL/";
        var list = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Replace('\\', '/').StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource.Replace('\\', '/')[prefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            list.Add(new SchemaMigration(version, file[(underscore + 1)..^4], sql, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)))));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1..n without gaps; found {list[i].Version:D4}_{list[i].Name}.sql at position {i + 1}.");
            }
        }

        return list;
    }
}
