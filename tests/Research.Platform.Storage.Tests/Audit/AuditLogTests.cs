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

        public static async Task<Store> CreateAsync(string kind)
        {
            var store = new Store { Kind = kind };
            if (kind == "postgres")
            {
                store._database = await PostgresDatabase.CreateAsync();
                await new PostgresMigrator(store._database.ConnectionString, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken);
                store.Log = AuditLog.Postgres(store._database.ConnectionString, TimeProvider.System);
            }
            else
            {
                store.Log = AuditLog.Sqlite(store.SqlitePath, TimeProvider.System);
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
            command.CommandText = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql;
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
        Assert.Equal(AuditLog.Hash(AuditLog.Genesis, AuditLog.Canonical(1, first.At, Entry(1))), first.Hash);

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
        Assert.Contains("was changed", changed.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_row_and_a_recomputed_hash_are_both_found()
    {
        await using var store = await Store.CreateAsync("sqlite");
        for (var i = 1; i <= 5; i++)
        {
            await store.Log.AppendAsync(Entry(i), TestContext.Current.CancellationToken);
        }

        await store.TamperAsync("DELETE FROM audit_log WHERE seq = 4");
        var deleted = await store.Log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(5, deleted.BrokenAt);
        Assert.Contains("rows 4..4 are missing", deleted.Problem, StringComparison.Ordinal);

        // A forger who edits row 2 and recomputes its hash still breaks the link from row 3.
        await using var other = await Store.CreateAsync("sqlite");
        var rows = new List<AuditRecord>();
        for (var i = 1; i <= 3; i++)
        {
            rows.Add(await other.Log.AppendAsync(Entry(i), TestContext.Current.CancellationToken));
        }

        var forged = Entry(2) with { Actor = "mallory" };
        var hash = AuditLog.Hash(rows[0].Hash, AuditLog.Canonical(2, rows[1].At, forged));
        await other.TamperAsync($"UPDATE audit_log SET actor = 'mallory', hash = '{hash}' WHERE seq = 2");
        var relinked = await other.Log.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, relinked.BrokenAt);
        Assert.Contains("does not link to row 2", relinked.Problem, StringComparison.Ordinal);
    }
}
