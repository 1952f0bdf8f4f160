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
public sealed record AuditVerification(bool Intact, long Rows, long? BrokenAt, string? Problem)
{
    /// <summary>The last row the anchors vouch for; rows after it were appended by a writer that died before anchoring them.</summary>
    public long AnchoredThrough { get; init; }

    /// <summary>The last sequence of the walked chain.</summary>
    internal long Head { get; init; }

    internal IReadOnlyDictionary<long, string>? Macs { get; init; }
}

/// <summary>Filters for reading the log; all optional.</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 100);

/// <summary>
/// The append-only, MAC-chained audit log (tamper-evident against someone with database access), in the relational
/// store: SQLite embedded, PostgreSQL in production (migration <c>0006_audit_log.sql</c>). In steps:
/// 1. Append takes the writer's lock (SQLite: an immediate transaction; PostgreSQL: a transaction advisory lock), reads
///    the last row's sequence and MAC, and inserts sequence + 1 with MAC = HMAC-SHA256(key, previous MAC + the row's
///    unambiguous encoding, <see cref="Encode"/>). The key lives outside the database (<see cref="AuditIntegrity"/>).
///    The first row's previous MAC is 64 zeros.
/// 2. After the commit the row's sequence and MAC are appended, signed, to the anchor file outside the database.
/// 3. The store refuses UPDATE and DELETE on the table (triggers), so the application cannot rewrite history; someone
///    with direct database access can drop them, and then step 4 finds what they did.
/// 4. Verify checks the anchors' signatures, walks the rows in sequence order recomputing every MAC (a changed row
///    breaks its own MAC; a deleted, inserted or reordered row breaks the sequence or the link; a forged or recomputed
///    row cannot match without the key), and compares the chain with the anchors (rows cut off the end, every row
///    deleted, an older copy restored). The first broken row is named.
/// Not detected: a change made with the key file in hand; rows appended after the newest anchor being cut off when
/// their writer died between commit and anchoring (reported as unanchored rows); the anchor file and the table cut
/// back together by someone who can write both. docs/CONCEPTS/analytics-security.md lists the tampers tested.
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
    private readonly AuditIntegrity _integrity;

    private AuditLog(RelationalStore store, TimeProvider clock, AuditIntegrity integrity)
    {
        _store = store;
        _clock = clock;
        _integrity = integrity;
    }

    /// <summary>Where the MAC key and the anchors are.</summary>
    public AuditIntegrity Integrity => _integrity;

    /// <summary>The embedded log: one SQLite file, created with its table and triggers when missing.</summary>
    public static AuditLog Sqlite(string path, TimeProvider clock, AuditIntegrity integrity) => new(RelationalStore.Sqlite(path, SqliteSchema), clock, integrity);

    /// <summary>PostgreSQL; the table and its triggers come from the migrations (<c>research db migrate</c>).</summary>
    public static AuditLog Postgres(string connectionString, TimeProvider clock, AuditIntegrity integrity) => new(RelationalStore.Postgres(connectionString), clock, integrity);

    /// <summary>
    /// The bytes a row's MAC covers: a scheme tag, sequence and time (milliseconds) as big-endian 64-bit integers, then each
    /// of actor, action, target, outcome, reason, source, details as 0x00 for null or 0x01, a big-endian 32-bit byte
    /// length and the UTF-8 bytes. No two different rows encode the same (null differs from every text, "ab"+"c" from "a"+"bc").
    /// </summary>
    public static byte[] Encode(long sequence, DateTimeOffset at, AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        buffer.Write("research.audit.v2"u8);
        Span<byte> number = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        buffer.Write(number);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(number, at.ToUnixTimeMilliseconds());
        buffer.Write(number);
        foreach (var field in new[] { e.Actor, e.Action, e.Target, e.Outcome, e.Reason, e.Source, e.Details })
        {
            if (field is null)
            {
                buffer.WriteByte(0);
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(field);
            buffer.WriteByte(1);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(number[..4], bytes.Length);
            buffer.Write(number[..4]);
            buffer.Write(bytes);
        }

        return buffer.ToArray();
    }

    /// <summary>A row's MAC: HMAC-SHA256(key, previous MAC (hex) + <see cref="Encode"/>), lower-case hex.</summary>
    public static string Mac(byte[] key, string previousMac, long sequence, DateTimeOffset at, AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(previousMac);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.ASCII.GetBytes(previousMac), .. Encode(sequence, at, e)]));
    }

    /// <summary>The canonical text of rows written before the log was keyed (earlier releases; verified up to the seal).</summary>
    public static string Canonical(long sequence, DateTimeOffset at, AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        static string F(string? v) => v is null ? "\u2205" : v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return string.Join('\n', sequence.ToString(CultureInfo.InvariantCulture), at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            F(e.Actor), F(e.Action), F(e.Target), F(e.Outcome), F(e.Reason), F(e.Source), F(e.Details));
    }

    /// <summary>The plain SHA-256 chain of rows written before the log was keyed.</summary>
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

        var key = _integrity.TryReadKey() ?? await KeyForFirstKeyedRowAsync(connection, transaction, last, previous, cancellationToken).ConfigureAwait(false);
        var sequence = last + 1;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(_clock.GetUtcNow().ToUnixTimeMilliseconds());
        var hash = Mac(key, previous, sequence, at, entry);
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
        _integrity.Append(key, "row", sequence, hash, at);
        return new AuditRecord(sequence, at, entry, previous, hash);
    }

    /// <summary>
    /// The first keyed append creates the key, but only when every existing row is an unkeyed row of an earlier release
    /// (their plain chain verifies): a missing key for a keyed log must be restored, never silently replaced. The seal
    /// anchor pins the unkeyed head.
    /// </summary>
    private async Task<byte[]> KeyForFirstKeyedRowAsync(DbConnection connection, DbTransaction transaction, long last, string head, CancellationToken cancellationToken)
    {
        if (last > 0 || File.Exists(_integrity.AnchorFile))
        {
            var legacy = await WalkAsync(connection, transaction, key: null, sealedThrough: long.MaxValue, cancellationToken).ConfigureAwait(false);
            if (!legacy.Intact || File.Exists(_integrity.AnchorFile))
            {
                throw new InvalidOperationException(
                    $"The audit log has rows signed with a key, but the key file {_integrity.KeyFile} is missing: restore it (Research:Audit:KeyFile) rather than start a new key.");
            }
        }

        var key = _integrity.CreateKey();
        _integrity.Append(key, "seal", last, head, _clock.GetUtcNow());
        return key;
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

    /// <summary>
    /// Checks the anchors' signatures, recomputes the chain from the first row (stopping at the first row that breaks it)
    /// and compares it with the anchors.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var key = _integrity.TryReadKey();
        if (key is null)
        {
            var plain = await WalkAsync(connection, null, key: null, sealedThrough: long.MaxValue, cancellationToken).ConfigureAwait(false);
            return plain.Rows == 0 && !File.Exists(_integrity.AnchorFile)
                ? plain
                : new AuditVerification(false, plain.Rows, plain.Rows == 0 ? null : 1, $"the audit key file {_integrity.KeyFile} is missing: without it no row can be verified (restore it; Research:Audit:KeyFile).");
        }

        var (anchors, anchorProblem) = _integrity.Read(key);
        if (anchorProblem is not null)
        {
            return new AuditVerification(false, 0, null, anchorProblem);
        }

        var seal = anchors.FirstOrDefault(a => a.Kind == "seal");
        if (seal is null)
        {
            return new AuditVerification(false, 0, null, $"the anchor file {_integrity.AnchorFile} is missing or has no seal: the log's length cannot be checked (it was deleted or replaced).");
        }

        var walk = await WalkAsync(connection, null, key, seal.Sequence, cancellationToken, seal.Hash).ConfigureAwait(false);
        var rowAnchors = anchors.Where(a => a.Kind == "row").ToList();
        var anchoredThrough = rowAnchors.Count == 0 ? seal.Sequence : Math.Max(seal.Sequence, rowAnchors.Max(a => a.Sequence));
        if (!walk.Intact)
        {
            return walk with { AnchoredThrough = anchoredThrough };
        }

        if (walk.Head < anchoredThrough)
        {
            var first = walk.Head + 1;
            return new AuditVerification(false, walk.Rows, first,
                walk.Rows == 0
                    ? $"every row is gone: the anchors record rows 1..{anchoredThrough} (the table was emptied or replaced)."
                    : $"rows {first}..{anchoredThrough} are missing at the end: the anchors record row {anchoredThrough}, the table ends at row {walk.Head} (cut off, or an older copy restored).")
            { AnchoredThrough = anchoredThrough };
        }

        foreach (var anchor in rowAnchors)
        {
            if (walk.Macs!.TryGetValue(anchor.Sequence, out var mac) && !string.Equals(mac, anchor.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, walk.Rows, anchor.Sequence,
                    $"row {anchor.Sequence} is not the row that was appended: its MAC {mac[..12]}... differs from the anchored {anchor.Hash[..12]}... (the chain was rebuilt).")
                { AnchoredThrough = anchoredThrough };
            }
        }

        return walk with { AnchoredThrough = anchoredThrough, Macs = null! };
    }

    /// <summary>
    /// Walks the rows in order: rows up to <paramref name="sealedThrough"/> by the plain SHA-256 chain (ending at
    /// <paramref name="sealedHead"/> when given), later rows by the keyed MAC.
    /// </summary>
    private static async Task<AuditVerification> WalkAsync(DbConnection connection, DbTransaction? transaction, byte[]? key, long sealedThrough, CancellationToken cancellationToken, string? sealedHead = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM audit_log ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var previous = Genesis;
        long expected = 1;
        long rows = 0;
        var macs = new Dictionary<long, string>();
        AuditVerification Broken(long at, string problem) => new(false, rows, at, problem) { Head = expected - 1 };
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var r = Record(reader);
            rows++;
            if (r.Sequence != expected)
            {
                return r.Sequence > expected
                    ? Broken(r.Sequence, $"row {r.Sequence} follows row {expected - 1}: rows {expected}..{r.Sequence - 1} are missing (deleted).")
                    : Broken(r.Sequence, $"row {r.Sequence} appears where row {expected} should be (rows were renumbered).");
            }

            if (!string.Equals(r.PreviousHash, previous, StringComparison.Ordinal))
            {
                return Broken(r.Sequence, $"row {r.Sequence} does not link to row {r.Sequence - 1} (its previous MAC {Short(r.PreviousHash)} is not {Short(previous)}).");
            }

            var keyed = r.Sequence > sealedThrough;
            if (keyed && key is null)
            {
                return Broken(r.Sequence, $"row {r.Sequence} needs the audit key to verify.");
            }

            var hash = keyed ? Mac(key!, previous, r.Sequence, r.At, r.Entry) : Hash(previous, Canonical(r.Sequence, r.At, r.Entry));
            if (!string.Equals(hash, r.Hash, StringComparison.Ordinal))
            {
                return Broken(r.Sequence, $"row {r.Sequence} ({r.Entry.Actor} {r.Entry.Action} {r.Entry.Target} at {r.At:yyyy-MM-dd HH:mm:ss}Z) was changed or forged: its content {(keyed ? "MACs" : "hashes")} to {Short(hash)}, the row says {Short(r.Hash)}.");
            }

            if (sealedHead is not null && r.Sequence == sealedThrough && !string.Equals(r.Hash, sealedHead, StringComparison.Ordinal))
            {
                return Broken(r.Sequence, $"row {r.Sequence}, the last row before the log was keyed, is not the one the seal recorded: the rows before it were rebuilt.");
            }

            macs[r.Sequence] = r.Hash;
            previous = r.Hash;
            expected++;
        }

        if (sealedHead is not null && expected - 1 < sealedThrough)
        {
            return Broken(expected, $"rows {expected}..{sealedThrough} written before the log was keyed are missing (the seal records {sealedThrough}).");
        }

        return new AuditVerification(true, rows, null, null) { Head = expected - 1, Macs = macs };
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "..." : hash;

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
