using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>The warehouse commands end to end in-process: sync, versions, query with time travel.</summary>
public sealed class WarehouseCommandTests
{
    [Fact]
    public async Task Sync_versions_tag_and_query_work_together_on_a_fresh_data_root()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-warehouse");
        var root = dir.Path;

        var (code, output, error) = await CliRunner.RunAsync("sync", "--full-sync", "--dataset", "famafrench", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var synced = JsonDocument.Parse(output))
        {
            Assert.Equal("famafrench/factors_daily", synced.RootElement[0].GetProperty("dataset").GetString());
        }

        (code, output, _) = await CliRunner.RunAsync("versions", "list", "--dataset", "famafrench/factors_daily", "--data-root", root, "--json");
        Assert.Equal(0, code);
        string version;
        using (var versions = JsonDocument.Parse(output))
        {
            var only = Assert.Single(versions.RootElement.EnumerateArray());
            Assert.True(only.GetProperty("current").GetBoolean());
            version = only.GetProperty("versionId").GetString()!;
        }

        Assert.Equal(0, (await CliRunner.RunAsync("versions", "tag", "paper-1", "--dataset", "famafrench/factors_daily", "--data-root", root)).ExitCode);
        (code, output, error) = await CliRunner.RunAsync("query", "SELECT count(*) AS n, min(date) AS first FROM famafrench.factors_daily", "--tag", "paper-1", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var result = JsonDocument.Parse(output))
        {
            Assert.True(result.RootElement.GetProperty("rows")[0][0].GetInt64() > 500);
            Assert.Equal(version, result.RootElement.GetProperty("versions").GetProperty("famafrench/factors_daily").GetString());
        }

        (code, _, error) = await CliRunner.RunAsync("query", "DROP VIEW famafrench.factors_daily", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("Only SELECT queries are allowed", error, StringComparison.Ordinal);

        (code, output, _) = await CliRunner.RunAsync("sync", "--status", "--data-root", root, "--json");
        Assert.Equal(0, code);
        using var status = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, status.RootElement.GetProperty("lockHolder").ValueKind);
        Assert.Equal("passed", status.RootElement.GetProperty("datasets")[0].GetProperty("validation").GetString());
    }

    [Fact]
    public async Task Sync_refuses_contradictory_options_with_usage_help()
    {
        var (code, _, error) = await CliRunner.RunAsync("sync", "--full-sync", "--incremental", "--all");
        Assert.Equal(1, code);
        Assert.Contains("exactly one of --full-sync and --incremental", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_WRDS_secrets_file_readable_by_others_stops_the_sync_with_the_fix_and_the_current_version_stays()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-wrds-creds");
        var root = dir.Combine("data");
        var (code, _, error) = await CliRunner.RunAsync("sync", "--full-sync", "--dataset", "famafrench/factors_daily", "--data-root", root);
        Assert.True(code == 0, error);
        var before = Directory.GetDirectories(Path.Combine(root, "famafrench", "factors_daily", "versions"));

        var secrets = dir.Combine("wrds.json");
        await File.WriteAllTextAsync(secrets, """{"Username": "alice", "Password": "Xy7-not-for-eyes"}""", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(secrets, (UnixFileMode)Convert.ToInt32("644", 8));
        }

        string output;
        (code, output, error) = await CliRunner.RunAsync("sync", "--full-sync", "--dataset", "famafrench/factors_daily", "--source", "wrds", "--secrets", secrets, "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("mode 0644", error, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {secrets}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Xy7-not-for-eyes", output + error, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(root, "famafrench", "factors_daily", "versions")));
    }
}
