using System.Diagnostics;
using Research.Platform.Storage.Relational;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// A cluster command in the Production profile that cannot reach a gateway says why within seconds, in one line with
/// the check for that profile (the Orleans client alone retried for minutes and then printed its own exception).
/// </summary>
public sealed class ProductionConnectionTests
{
    [Fact]
    public async Task An_unreachable_membership_database_is_named_with_its_address()
    {
        var (code, error, elapsed) = await RunAsync("Host=127.0.0.1;Port=1;Username=postgres;Database=none", "backtest", "list");
        Assert.Equal(1, code);
        Assert.StartsWith("error: Cannot reach the membership database in ConnectionStrings:Orleans (127.0.0.1:1/none)", error, StringComparison.Ordinal);
        Assert.Contains("Check the connection string and that PostgreSQL is up.", error, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"refused after {elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_database_without_tables_then_without_silos_then_with_a_dead_silo_is_each_named()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var (code, error, _) = await RunAsync(database.ConnectionString, "backtest", "list");
        Assert.Equal(1, code);
        Assert.Contains("has no Orleans tables: run 'research db migrate' against it", error, StringComparison.Ordinal);

        await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken);
        (code, error, _) = await RunAsync(database.ConnectionString, "backtest", "list");
        Assert.Equal(1, code);
        Assert.Contains("No active silo of cluster 'research' is listed in the membership table", error, StringComparison.Ordinal);

        // A silo the table still lists as active, whose gateway is gone (it died a moment ago).
        var port = FreePorts.Next();
        await database.ExecuteAsync($"""
            INSERT INTO orleansmembershipversiontable (deploymentid) VALUES ('research');
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
            VALUES ('research', '127.0.0.1', 11111, 1, 'silo-0', 'node-a', 3, {port}, now(), now());
            """);
        (code, error, _) = await RunAsync(database.ConnectionString, "backtest", "list");
        Assert.Equal(1, code);
        Assert.Contains($"1 silo(s) of cluster 'research' are listed active (silo-0 at 127.0.0.1:{port}) but no gateway answers", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_port_is_refused_in_production()
    {
        var (code, error, _) = await RunAsync("Host=127.0.0.1;Port=1;Username=postgres;Database=none", "backtest", "list", "--gateway-port", "30001");
        Assert.Equal(1, code);
        Assert.Contains("--gateway-port 30001: in the Production profile the gateways come from the membership table", error, StringComparison.Ordinal);
    }


    private static async Task<(int Code, string Error, TimeSpan Elapsed)> RunAsync(string connectionString, params string[] args)
    {
        using var dir = TestEnvironment.CreateTempDirectory("production-cli");
        var clock = Stopwatch.StartNew();
        var (code, _, error) = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["Research__Profile"] = "Production", ["ConnectionStrings__Orleans"] = connectionString },
            [.. args, "--data-root", dir.Path], TestContext.Current.CancellationToken, dir.Path);
        return (code, error.Trim(), clock.Elapsed);
    }
}
