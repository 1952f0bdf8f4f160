using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Audit;

/// <summary>One audited event: who did what to what, when, why, from where, and how it ended.</summary>
public sealed record AuditEntry(
    string Actor,
    string Action,
    string Target,
    string Outcome,
    string? Reason = null,
    string? Source = null,
    string? Details = null);

/// <summary>A stored audit row with its place in the chain.</summary>
public sealed record AuditRecord(long Sequence, DateTimeOffset At, AuditEntry Entry, string PreviousHash, string Hash);

/// <summary>The result of checking the chain: intact, or the first row that breaks it and why.</summary>
public sealed record AuditVerification(bool Intact, long Rows, long? BrokenAt, string? Problem);

/// <summary>Filters for reading the log; all optional.</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 100);

/// <summary>
/// The append-only, hash-chained audit log (tamper-evident), in the relational store: SQLite embedded, PostgreSQL in
/// production (migration <c>0006_audit_log.sql</c>). In steps:
/// 1. Append takes the writer's lock (SQLite: an immediate transaction; PostgreSQL: a transaction advisory lock), reads
///    the last row's sequence and hash, and inserts sequence + 1 with hash = SHA-256(previous hash + the row's
///    canonical text). The first row's previous hash is 64 zeros.
/// 2. The store refuses UPDATE and DELETE on the table (triggers), so the application cannot rewrite history; someone
///    with direct database access can, and then step 3 finds it.
/// 3. Verify walks the rows in sequence order and recomputes every hash: a changed row breaks its own hash, a deleted
///    row leaves a gap in the sequence or a previous-hash mismatch; the first broken row is named.
/// Cutting the newest rows off the end is not detectable from the chain alone; publishing the head hash elsewhere
/// (logs, a report) closes that gap (<see cref="HeadAsync"/>).
/// </summary>
public sealed class AuditLog
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS audit_log (
            seq INTEGER NOT NULL PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            target TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NULL, source TEXT NULL, details TEXT NULL,
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_audit_log_at ON audit_log (at_ms);
        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """;

    private const string Columns = "seq, at_ms, actor, action, target, outcome, reason, source, details, prev_hash, hash";
    private const long AdvisoryLock = 0x4155444954; // "AUDIT"

    private readonly RelationalStore _store;
    private readonly TimeProvider _clock;

    private AuditLog(RelationalStore store, TimeProvider clock)
    {
        _store = store;
        _clock = clock;
    }

    /// <summary>The embedded log: one SQLite file, created with its table and triggers when missing.</summary>
    public static AuditLog Sqlite(string path, TimeProvider clock) => new(RelationalStore.Sqlite(path, SqliteSchema), clock);

    /// <summary>PostgreSQL; the table and its triggers come from the migrations (<c>research db migrate</c>).</summary>
    public static AuditLog Postgres(string connectionString, TimeProvider clock) => new(RelationalStore.Postgres(connectionString), clock);

    /// <summary>The canonical text a row's hash covers (invariant, one field per line, nulls as an empty marker).</summary>
    public static string Canonical(long sequence, DateTimeOffset at, AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        static string F(string? v) => v is null ? "\u2205" : v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return string.Join('\n', sequence.ToString(CultureInfo.InvariantCulture), at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            F(e.Actor), F(e.Action), F(e.Target), F(e.Outcome), F(e.Reason), F(e.Source), F(e.Details));
    }

    public static string Hash(string previousHash, string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + canonical)));

    /// <summary>Appends an entry; returns the stored record.</summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (var (name, value) in new[] { ("actor", entry.Actor), ("action", entry.Action), ("target", entry.Target), ("outcome", entry.Outcome) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"An audit entry needs a {name}.", nameof(entry));
            }
        }

        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        long last = 0;
        var previous = Genesis;
        await using (var head = connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
            await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = reader.GetInt64(0);
                previous = reader.GetString(1);
            }
        }

        var sequence = last + 1;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(_clock.GetUtcNow().ToUnixTimeMilliseconds());
        var hash = Hash(previous, Canonical(sequence, at, entry));
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO audit_log ({Columns}) VALUES (@seq, @at_ms, @actor, @action, @target, @outcome, @reason, @source, @details, @prev_hash, @hash)";
            RelationalStore.Add(insert, "seq", sequence);
            RelationalStore.Add(insert, "at_ms", at.ToUnixTimeMilliseconds());
            RelationalStore.Add(insert, "actor", entry.Actor);
            RelationalStore.Add(insert, "action", entry.Action);
            RelationalStore.Add(insert, "target", entry.Target);
            RelationalStore.Add(insert, "outcome", entry.Outcome);
            RelationalStore.Add(insert, "reason", entry.Reason);
            RelationalStore.Add(insert, "source", entry.Source);
            RelationalStore.Add(insert, "details", entry.Details);
            RelationalStore.Add(insert, "prev_hash", previous);
            RelationalStore.Add(insert, "hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditRecord(sequence, at, entry, previous, hash);
    }

    /// <summary>The newest row's sequence and hash (publish it elsewhere to detect truncation); null when empty.</summary>
    public async Task<(long Sequence, string Hash)?> HeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>Rows matching the query, newest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Actor is not null)
        {
            where.Add("actor = @actor");
            RelationalStore.Add(command, "actor", query.Actor);
        }

        if (query.Action is not null)
        {
            where.Add("action = @action");
            RelationalStore.Add(command, "action", query.Action);
        }

        if (query.Since is { } since)
        {
            where.Add("at_ms >= @since");
            RelationalStore.Add(command, "since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            where.Add("at_ms < @until");
            RelationalStore.Add(command, "until", until.ToUnixTimeMilliseconds());
        }

        RelationalStore.Add(command, "limit", (long)Math.Clamp(query.Limit, 1, 10_000));
        command.CommandText = $"SELECT {Columns} FROM audit_log{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY seq DESC LIMIT @limit";
        var rows = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Record(reader));
        }

        return rows;
    }

    /// <summary>Recomputes the chain from the first row; stops at the first row that breaks it.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_log ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var previous = Genesis;
        long expected = 1;
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var r = Record(reader);
            rows++;
            if (r.Sequence != expected)
            {
                return new AuditVerification(false, rows, r.Sequence, $"row {r.Sequence} follows row {expected - 1}: rows {expected}..{r.Sequence - 1} are missing (deleted).");
            }

            if (!string.Equals(r.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerification(false, rows, r.Sequence, $"row {r.Sequence} does not link to row {r.Sequence - 1} (its previous hash {r.PreviousHash[..12]}... is not {previous[..12]}...).");
            }

            var hash = Hash(previous, Canonical(r.Sequence, r.At, r.Entry));
            if (!string.Equals(hash, r.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, rows, r.Sequence, $"row {r.Sequence} ({r.Entry.Actor} {r.Entry.Action} {r.Entry.Target} at {r.At:yyyy-MM-dd HH:mm:ss}Z) was changed: its content hashes to {hash[..12]}..., the chain recorded {r.Hash[..12]}....");
            }

            previous = r.Hash;
            expected++;
        }

        return new AuditVerification(true, rows, null, null);
    }

    private static AuditRecord Record(DbDataReader reader)
    {
        string? Optional(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new AuditRecord(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            new AuditEntry(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), Optional(6), Optional(7), Optional(8)),
            reader.GetString(9), reader.GetString(10));
    }

    private async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (_store.IsSqlite)
        {
            // Deferred transactions could both read the same head; take the write lock before reading it.
            return ((SqliteConnection)connection).BeginTransaction(deferred: false);
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({AdvisoryLock})";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return transaction;
    }
}
