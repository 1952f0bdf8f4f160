using Microsoft.Data.Sqlite;
using Npgsql;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Relational;
using Research.Testing;

namespace Research.Platform.Storage.Tests.Audit;

/// <summary>The hash-chained audit log on SQLite and on PostgreSQL: append, refuse rewrites, and find tampering by row.</summary>
public sealed class AuditLogTests
{
    private sealed class Store : IAsyncDisposable
    {
        private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("audit");
        private PostgresDatabase? _database;

        public required string Kind { get; init; }

        public AuditLog Log { get; private set; } = null!;

        public string SqlitePath => _dir.Combine("audit.db");

        /// <summary>The key and anchors, outside the database (as in production: a mounted secret and the warehouse).</summary>
        public AuditIntegrity Integrity => AuditIntegrity.Under(_dir.Combine("outside"));

        public static async Task<Store> CreateAsync(string kind)
        {
            var store = new Store { Kind = kind };
            if (kind == "postgres")
            {
                store._database = await PostgresDatabase.CreateAsync();
                await new PostgresMigrator(store._database.ConnectionString, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken);
                store.Log = AuditLog.Postgres(store._database.ConnectionString, TimeProvider.System, store.Integrity);
            }
            else
            {
                store.Log = AuditLog.Sqlite(store.SqlitePath, TimeProvider.System, store.Integrity);
            }

            return store;
        }

        /// <summary>SQL as someone with direct database access (who can drop the triggers first).</summary>
        public async Task TamperAsync(string sql)
        {
            if (_database is not null)
            {
                await _database.ExecuteAsync("ALTER TABLE audit_log DISABLE TRIGGER USER; " + sql);
                return;
            }

            await using var connection = new SqliteConnection($"Data Source={SqlitePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql;
            await command.ExecuteNonQueryAsync();
        }

        public async Task<Exception?> TryAsync(string sql)
        {
            try
            {
                if (_database is not null)
                {
                    await _database.ExecuteAsync(sql);
                }
                else
                {
                    await using var connection = new SqliteConnection($"Data Source={SqlitePath};Pooling=False");
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    await command.ExecuteNonQueryAsync();
                }

                return null;
            }
            catch (Exception e) when (e is SqliteException or PostgresException)
            {
                return e;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }

            _dir.Dispose();
        }
    }

    private static AuditEntry Entry(int i) => new($"user{i % 3}", i % 2 == 0 ? "sign-in" : "backtest.submit", $"target-{i}", "ok", i == 2 ? "quarterly review" : null, "127.0.0.1", i == 4 ? "{\"spec\":\"a\\nb\"}" : null);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Appends_chain_and_concurrent_writers_never_fork_the_chain(string kind)
    {
        await using var store = await Store.CreateAsync(kind);
        var first = await store.Log.AppendAsync(Entry(1), TestContext.Current.CancellationToken);
        Assert.Equal(1, first.Sequence);
        Assert.Equal(AuditLog.Genesis, first.PreviousHash);
        var key = Convert.FromHexString(File.ReadAllText(store.Integrity.KeyFile).Trim());
        Assert.Equal(AuditLog.Mac(key, AuditLog.Genesis, 1, first.At, Entry(1)), first.Hash);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Integrity.KeyFile));
        }

        // Twenty appends from four independent writers at once: one chain, sequences 2..21.
        await Parallel.ForEachAsync(Enumerable.Range(2, 20), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken },
            async (i, ct) => await store.Log.AppendAsync(Entry(i), ct));
        var verification = await store.Log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(21, verification.Rows);
        Assert.Equal(21, (await store.Log.HeadAsync(TestContext.Current.CancellationToken))!.Value.Sequence);

        var signIns = await store.Log.ReadAsync(new AuditQuery(Action: "sign-in", Limit: 100), TestContext.Current.CancellationToken);
        Assert.Equal(10, signIns.Count);
        Assert.True(signIns.Zip(signIns.Skip(1)).All(p => p.First.Sequence > p.Second.Sequence));
        Assert.Throws<ArgumentException>(() => store.Log.AppendAsync(new AuditEntry("", "x", "y", "ok"), TestContext.Current.CancellationToken).GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_store_refuses_rewrites_and_verify_names_a_changed_or_deleted_row(string kind)
    {
        await using var store = await Store.CreateAsync(kind);
        for (var i = 1; i <= 6; i++)
        {
            await store.Log.AppendAsync(Entry(i), TestContext.Current.CancellationToken);
        }

        Assert.Contains("append-only", (await store.TryAsync("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))?.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", (await store.TryAsync("DELETE FROM audit_log WHERE seq = 3"))?.Message, StringComparison.Ordinal);
        Assert.True((await store.Log.VerifyAsync(TestContext.Current.CancellationToken)).Intact);

        // Someone with database access drops the protection and edits row 3: verification names row 3.
        await store.TamperAsync("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3");
        var changed = await store.Log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(changed.Intact);
        Assert.Equal(3, changed.BrokenAt);
        Assert.Contains("row 3", changed.Problem, StringComparison.Ordinal);
        Assert.Contains("was changed or forged", changed.Problem, StringComparison.Ordinal);
    }

    /// <summary>A tamper by someone with database access (triggers dropped) and where verification must locate it.</summary>
    public sealed record Tamper(string Name, Func<IReadOnlyList<AuditRecord>, string> Sql, long BrokenAt, string Says);

    private const string Insert = "INSERT INTO audit_log (seq, at_ms, actor, action, target, outcome, reason, source, details, prev_hash, hash) VALUES ";

    private static string Q(string? v) => v is null ? "NULL" : "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Values(long seq, AuditRecord r, AuditEntry e, string previous, string hash) =>
        $"({seq}, {r.At.ToUnixTimeMilliseconds()}, {Q(e.Actor)}, {Q(e.Action)}, {Q(e.Target)}, {Q(e.Outcome)}, {Q(e.Reason)}, {Q(e.Source)}, {Q(e.Details)}, '{previous}', '{hash}')";

    /// <summary>Rows rebuilt from <paramref name="from"/> on as a forger without the key would: a plain SHA-256 chain.</summary>
    private static string Rechain(IReadOnlyList<AuditRecord> rows, int from, Func<AuditEntry, AuditEntry> change)
    {
        var previous = from == 1 ? AuditLog.Genesis : rows[from - 2].Hash;
        var sql = new List<string> { $"DELETE FROM audit_log WHERE seq >= {from}" };
        foreach (var r in rows.Where(r => r.Sequence >= from))
        {
            var entry = r.Sequence == from ? change(r.Entry) : r.Entry;
            var hash = AuditLog.Hash(previous, AuditLog.Canonical(r.Sequence, r.At, entry));
            sql.Add(Insert + Values(r.Sequence, r, entry, previous, hash));
            previous = hash;
        }

        return string.Join(";\n", sql);
    }

    /// <summary>Every tamper the hardening issue listed, and a few more; rows are 1..6 (row 3 has no reason).</summary>
    public static TheoryData<string, string> Tampers()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "sqlite", "postgres" })
        {
            foreach (var t in TamperTable)
            {
                data.Add(kind, t.Name);
            }
        }

        return data;
    }

    private static readonly Tamper[] TamperTable =
    [
        new("edit a field", _ => "UPDATE audit_log SET target = 'other' WHERE seq = 3", 3, "changed or forged"),
        new("edit a field and rebuild the chain after it", rows => Rechain(rows, 3, e => e with { Actor = "mallory" }), 3, "changed or forged"),
        new("turn a NULL into the text '∅'", _ => "UPDATE audit_log SET reason = '∅' WHERE seq = 3", 3, "changed or forged"),
        new("turn a NULL into an empty text", _ => "UPDATE audit_log SET reason = '' WHERE seq = 3", 3, "changed or forged"),
        new("move text across a field boundary", rows => $"UPDATE audit_log SET actor = {Q(rows[2].Entry.Actor + rows[2].Entry.Action[..3])}, action = {Q(rows[2].Entry.Action[3..])} WHERE seq = 3", 3, "changed or forged"),
        new("change a time", _ => "UPDATE audit_log SET at_ms = at_ms + 1000 WHERE seq = 3", 3, "changed or forged"),
        new("relink a row", rows => $"UPDATE audit_log SET prev_hash = '{rows[1].PreviousHash}' WHERE seq = 4", 4, "does not link"),
        new("swap two rows", _ => "UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -3", 3, "does not link"),
        new("delete a row", _ => "DELETE FROM audit_log WHERE seq = 3", 4, "rows 3..3 are missing"),
        new("delete a row and renumber the rest", _ => "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = -seq WHERE seq > 3; UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0", 3, "does not link"),
        new("insert a forged row in the middle", rows => "UPDATE audit_log SET seq = -seq WHERE seq >= 3; UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0; "
            + Insert + Values(3, rows[2], rows[2].Entry with { Target = "planted" }, rows[1].Hash, AuditLog.Hash(rows[1].Hash, AuditLog.Canonical(3, rows[2].At, rows[2].Entry with { Target = "planted" }))), 3, "changed or forged"),
        new("append a forged row", rows => Insert + Values(7, rows[5], rows[5].Entry with { Actor = "mallory" }, rows[5].Hash, AuditLog.Hash(rows[5].Hash, AuditLog.Canonical(7, rows[5].At, rows[5].Entry with { Actor = "mallory" }))), 7, "changed or forged"),
        new("replay the last row", rows => Insert + Values(7, rows[5], rows[5].Entry, rows[5].Hash, rows[5].Hash), 7, "changed or forged"),
        new("cut the newest rows off", _ => "DELETE FROM audit_log WHERE seq >= 5", 5, "rows 5..6 are missing at the end"),
        new("delete every row", _ => "DELETE FROM audit_log", 1, "every row is gone"),
        new("replace the table with a rebuilt chain", rows => Rechain(rows, 1, e => e), 1, "changed or forged"),
        new("restore an older copy and write another history on it", rows => Rechain(rows, 5, e => e with { Outcome = "denied" }), 5, "changed or forged"),
    ];

    [Theory]
    [MemberData(nameof(Tampers))]
    public async Task Every_tamper_with_the_triggers_dropped_is_detected_and_located(string kind, string tamper)
    {
        await using var store = await Store.CreateAsync(kind);
        for (var i = 1; i <= 6; i++)
        {
            await store.Log.AppendAsync(Entry(i), TestContext.Current.CancellationToken);
        }

        Assert.Null(Entry(3).Reason);
        var rows = (await store.Log.ReadAsync(new AuditQuery(), TestContext.Current.CancellationToken)).OrderBy(r => r.Sequence).ToList();
        var t = TamperTable.Single(x => x.Name == tamper);
        await store.TamperAsync(t.Sql(rows));

        var result = await store.Log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(result.Intact, $"'{tamper}' was not detected");
        Assert.Equal(t.BrokenAt, result.BrokenAt);
        Assert.Contains(t.Says, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_anchor_and_a_missing_key_are_reported_and_a_missing_key_is_never_silently_replaced()
    {
        await using var store = await Store.CreateAsync("sqlite");
        for (var i = 1; i <= 3; i++)
        {
            await store.Log.AppendAsync(Entry(i), TestContext.Current.CancellationToken);
        }

        var anchors = File.ReadAllLines(store.Integrity.AnchorFile);
        Assert.Equal(4, anchors.Length); // the seal and one anchor per row
        File.WriteAllLines(store.Integrity.AnchorFile, [.. anchors[..^1], anchors[^1].Replace("\"sequence\":3", "\"sequence\":2", StringComparison.Ordinal)]);
        var edited = await store.Log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(edited.Intact);
        Assert.Contains("line 4 (row 2) has a wrong signature", edited.Problem, StringComparison.Ordinal);
        File.WriteAllLines(store.Integrity.AnchorFile, anchors);
        Assert.True((await store.Log.VerifyAsync(TestContext.Current.CancellationToken)).Intact);

        File.Move(store.Integrity.KeyFile, store.Integrity.KeyFile + ".away");
        var reopened = AuditLog.Sqlite(store.SqlitePath, TimeProvider.System, store.Integrity);
        var keyless = await reopened.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(keyless.Intact);
        Assert.Contains("key file", keyless.Problem, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.AppendAsync(Entry(4), TestContext.Current.CancellationToken));
        Assert.Contains("restore it", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(store.Integrity.KeyFile));

        File.Delete(store.Integrity.AnchorFile);
        File.Move(store.Integrity.KeyFile + ".away", store.Integrity.KeyFile);
        var unanchored = await AuditLog.Sqlite(store.SqlitePath, TimeProvider.System, store.Integrity).VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(unanchored.Intact);
        Assert.Contains("anchor file", unanchored.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_of_an_unkeyed_earlier_release_are_sealed_by_the_first_keyed_append_and_stay_verifiable()
    {
        await using var store = await Store.CreateAsync("sqlite");
        // Three rows as an earlier release wrote them: a plain SHA-256 chain, no key, no anchors.
        Assert.Null(await store.Log.HeadAsync(TestContext.Current.CancellationToken)); // creates the table
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var previous = AuditLog.Genesis;
        var sql = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var hash = AuditLog.Hash(previous, AuditLog.Canonical(i, at, Entry(i)));
            sql.Add(Insert + Values(i, new AuditRecord(i, at, Entry(i), previous, hash), Entry(i), previous, hash));
            previous = hash;
        }

        await store.TamperAsync(string.Join(";\n", sql));
        var log = AuditLog.Sqlite(store.SqlitePath, TimeProvider.System, store.Integrity);
        await log.AppendAsync(Entry(4), TestContext.Current.CancellationToken);
        var result = await log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(4, result.Rows);
        Assert.Equal(4, result.AnchoredThrough);

        // The sealed rows cannot be rebuilt either: the seal pins their head.
        await store.TamperAsync(Rechain([.. (await log.ReadAsync(new AuditQuery(), TestContext.Current.CancellationToken)).OrderBy(r => r.Sequence).Take(3)], 2, e => e with { Actor = "mallory" }));
        var rebuilt = await log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.False(rebuilt.Intact);
        Assert.Equal(3, rebuilt.BrokenAt);
    }
}
