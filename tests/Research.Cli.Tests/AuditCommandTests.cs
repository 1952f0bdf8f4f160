using System.Text.Json;
using Microsoft.Data.Sqlite;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research audit record|list|verify</c> on the embedded store, including a tampered row.</summary>
public sealed class AuditCommandTests
{
    [Fact]
    public async Task Verify_passes_on_an_intact_log_and_fails_naming_the_changed_row()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-audit");
        var (code, _, error) = await CliRunner.RunAsync("audit", "verify", "--data-root", dir.Path);
        Assert.True(code == 0, error);
        foreach (var target in new[] { "crsp/daily", "bt-1234", "alice" })
        {
            (code, _, error) = await CliRunner.RunAsync("audit", "record", "--data-root", dir.Path, "--action", "manual.fix", "--target", target, "--reason", "ticket 42", "--actor", "ops");
            Assert.True(code == 0, error);
        }

        (code, var output, error) = await CliRunner.RunAsync("audit", "list", "--data-root", dir.Path, "--json");
        Assert.True(code == 0, error);
        using (var rows = JsonDocument.Parse(output))
        {
            Assert.Equal(3, rows.RootElement.GetArrayLength());
            Assert.Equal("alice", rows.RootElement[0].GetProperty("entry").GetProperty("target").GetString());
        }

        (code, output, error) = await CliRunner.RunAsync("audit", "verify", "--data-root", dir.Path);
        Assert.True(code == 0, error);
        Assert.Contains("intact: 3 rows", output, StringComparison.Ordinal);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "audit", "audit.db")};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'bob' WHERE seq = 2";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        (code, _, error) = await CliRunner.RunAsync("audit", "verify", "--data-root", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("broken at row 2", error, StringComparison.Ordinal);
    }
}
