using System.Net;
using System.Net.Sockets;
using Npgsql;
using Research.Data.Providers.Wrds;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Data.Tests.Providers.Wrds;

/// <summary>The WRDS client against a real PostgreSQL: what each failure looks like, and that none publishes anything.</summary>
public sealed class WrdsClientTests : IAsyncLifetime
{
    private WrdsShapedDatabase _db = null!;

    public async ValueTask InitializeAsync() =>
        _db = await WrdsShapedDatabase.CreateAsync(new SyntheticMarketOptions { Stocks = 80, Years = 2, Seed = 11, IntradaySymbols = 0 }, CrspFormat.Siz);

    public async ValueTask DisposeAsync() => await _db.DisposeAsync();

    /// <summary>A login role that must give its password (test.sh makes the server ask members of research_password_login).</summary>
    private async Task<string> CreatePasswordUserAsync(string password)
    {
        var user = "wrds_user_" + Guid.NewGuid().ToString("N")[..8];
        await _db.Database.ExecuteAsync("""
            DO $$ BEGIN CREATE ROLE research_password_login NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            """);
        await _db.Database.ExecuteAsync($"CREATE ROLE {user} LOGIN PASSWORD '{password}' IN ROLE research_password_login");
        return user;
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_error_that_names_the_user_and_the_source_but_not_the_password()
    {
        var user = await CreatePasswordUserAsync("Right-Pass-1");
        var settings = _db.Settings with { Username = user };
        await using (var wrong = new WrdsClient(settings, new WrdsCredentials(user, "Wrong-Pass-9", "pgpass /home/x/.pgpass line 2")))
        {
            var e = await Assert.ThrowsAsync<WrdsException>(() => wrong.ConnectAsync(TestContext.Current.CancellationToken));
            Assert.Equal(WrdsErrorKind.Authentication, e.Kind);
            Assert.Contains(user, e.Message, StringComparison.Ordinal);
            Assert.Contains("pgpass /home/x/.pgpass line 2", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Wrong-Pass-9", e.ToString(), StringComparison.Ordinal);
            Assert.False(e.IsTransient);
        }

        await using var right = new WrdsClient(settings, new WrdsCredentials(user, "Right-Pass-1", "test"));
        await right.ConnectAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, right.Logins);
    }

    [Fact]
    public async Task A_user_without_the_subscription_gets_a_permission_error_and_a_missing_table_is_named()
    {
        var user = await CreatePasswordUserAsync("Pw-1");
        await using var client = new WrdsClient(_db.Settings with { Username = user }, new WrdsCredentials(user, "Pw-1", "test"));
        var denied = await Assert.ThrowsAsync<WrdsException>(() => client.EnsureReadableAsync("crsp.dsf", TestContext.Current.CancellationToken));
        Assert.Equal(WrdsErrorKind.Permission, denied.Kind);
        Assert.Contains("crsp.dsf", denied.Message, StringComparison.Ordinal);

        using var dir = TestEnvironment.CreateTempDirectory("wrds-perm");
        var streamed = await Assert.ThrowsAsync<WrdsException>(() => client.CopyToParquetAsync("SELECT permno::integer FROM crsp.dsf", [ParquetColumnSpec.Of<int>("permno")],
            dir.Combine("x.parquet"), "crsp/daily", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(WrdsErrorKind.Permission, streamed.Kind);

        await using var admin = _db.Client();
        var missing = await Assert.ThrowsAsync<WrdsException>(() => admin.EnsureReadableAsync("crsp.dsf_v2", TestContext.Current.CancellationToken));
        Assert.Equal(WrdsErrorKind.MissingTable, missing.Kind);
        Assert.Contains("crsp.dsf_v2", missing.Message, StringComparison.Ordinal);
        Assert.Equal(CrspFormat.Siz, await new WrdsSyncSource(admin).FormatAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_refused_Duo_login_and_a_login_that_never_answers_say_what_to_do()
    {
        await using var client = _db.Client();
        var pam = client.Translate(new PostgresException("PAM authentication failed for user \"alice\"", "FATAL", "FATAL", "28P01"), "logging in", null);
        Assert.Equal(WrdsErrorKind.MultiFactor, pam.Kind);
        Assert.Contains("Duo", pam.Message, StringComparison.Ordinal);

        // A server that accepts the TCP connection and never speaks: the login times out.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var hanging = new WrdsClient(_db.Settings with { Host = "127.0.0.1", Port = port, ConnectTimeoutSeconds = 1 }, new WrdsCredentials("alice", "pw", "test"));
        var e = await Assert.ThrowsAsync<WrdsException>(() => hanging.ConnectAsync(TestContext.Current.CancellationToken));
        Assert.Equal(WrdsErrorKind.Unreachable, e.Kind);
        Assert.Contains("Duo", e.Message, StringComparison.Ordinal);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_leaves_no_file_and_the_next_call_logs_in_again()
    {
        await using var client = _db.Client(rowGroupSize: 5_000);
        using var dir = TestEnvironment.CreateTempDirectory("wrds-drop");
        var path = dir.Combine("out", "part-0.parquet");
        var e = await Assert.ThrowsAsync<WrdsException>(() => client.CopyToParquetAsync(
            "SELECT g FROM generate_series(1, 100000) g WHERE CASE WHEN g = 60000 THEN pg_terminate_backend(pg_backend_pid()) ELSE true END",
            [ParquetColumnSpec.Of<int>("g")], path, "test stream", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(WrdsErrorKind.ConnectionLost, e.Kind);
        Assert.True(e.IsTransient);
        Assert.Contains("test stream", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories));

        var rows = await client.CopyToParquetAsync("SELECT g FROM generate_series(1, 1000) g", [ParquetColumnSpec.Of<int>("g")], path, "test stream", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1000, rows);
        Assert.Equal(2, client.Logins);
    }

    /// <summary>Puts a view in front of crsp.dsf that runs <paramref name="functionBody"/> (with the row's permno as p) on each row.</summary>
    private async Task InterceptDsfAsync(string functionBody)
    {
        await _db.Database.ExecuteAsync($"""
            ALTER TABLE crsp.dsf RENAME TO dsf_base;
            CREATE SEQUENCE crsp.intercept_calls;
            CREATE FUNCTION crsp.intercept(p double precision) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
              {functionBody}
              RETURN true;
            END $$;
            CREATE VIEW crsp.dsf AS SELECT * FROM crsp.dsf_base WHERE crsp.intercept(permno);
            """);
    }

    [Fact]
    public async Task A_sync_retries_a_dropped_connection_and_publishes_exactly_what_an_uninterrupted_sync_did()
    {
        using var warehouse = new TestWarehouse();
        var manager = new SyncManager(warehouse.Layout, TimeProvider.System);
        await using var client = _db.Client();
        var source = new WrdsSyncSource(client, CrspFormat.Siz);
        var first = await manager.SyncAsync("crsp/daily", SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);

        // The first time permno 10040's rows stream out of COPY, the server kills the connection (once: sequences ignore rollbacks).
        await InterceptDsfAsync("IF p = 10040 AND current_query() LIKE 'COPY%' THEN IF nextval('crsp.intercept_calls') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; END IF;");
        var second = await manager.SyncAsync("crsp/daily", SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(second.Published);
        Assert.Equal(2, client.Logins);
        Assert.Equal(first.Manifest.Files.Select(f => f.Sha256), second.Manifest.Files.Select(f => f.Sha256));
        Assert.Equal(first.Manifest.Files.Count, second.FilesShared);
    }

    [Fact]
    public async Task A_query_failing_mid_stream_stops_the_sync_with_the_server_message_and_leaves_the_current_version()
    {
        using var warehouse = new TestWarehouse();
        var manager = new SyncManager(warehouse.Layout, TimeProvider.System);
        await using var client = _db.Client(rowGroupSize: 1_000);
        var source = new WrdsSyncSource(client, CrspFormat.Siz);
        var first = await manager.SyncAsync("crsp/daily", SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);

        await InterceptDsfAsync("IF p = 10060 AND current_query() LIKE 'COPY%' THEN RAISE EXCEPTION 'simulated WRDS failure at permno %', p; END IF;");
        var e = await Assert.ThrowsAsync<WrdsException>(() => manager.SyncAsync("crsp/daily", SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(WrdsErrorKind.QueryFailed, e.Kind);
        Assert.Contains("crsp/daily chunks year=", e.Message, StringComparison.Ordinal);
        Assert.Contains("simulated WRDS failure at permno 10060", e.Message, StringComparison.Ordinal);
        Assert.Equal(first.Manifest.VersionId, new WarehouseCatalog(warehouse.Layout).ReadCurrent("crsp/daily")!.VersionId);
        Assert.Single(warehouse.Versions.List("crsp/daily"));
        Assert.Equal(1, client.Logins);
    }
}
