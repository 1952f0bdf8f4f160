using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research admin create|list</c>: a one-time password printed once, roles, duplicates refused, every creation audited.</summary>
public sealed class AdminCommandTests
{
    [Fact]
    public async Task Create_prints_a_one_time_password_once_and_the_creation_is_audited()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-admin");
        var (code, output, error) = await CliRunner.RunAsync("admin", "create", "--data-root", dir.Path, "--user", "root", "--json");
        Assert.True(code == 0, error);
        string password;
        using (var json = JsonDocument.Parse(output))
        {
            password = json.RootElement.GetProperty("oneTimePassword").GetString()!;
            Assert.Equal("admin", json.RootElement.GetProperty("role").GetString());
        }

        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", password);
        (code, _, error) = await CliRunner.RunAsync("admin", "create", "--data-root", dir.Path, "--user", "ROOT");
        Assert.Equal(1, code);
        Assert.Contains("already taken", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("admin", "create", "--data-root", dir.Path, "--user", "eve", "--role", "god");
        Assert.Equal(1, code);
        Assert.Contains("'god' is not one of viewer, researcher, operator, admin", error, StringComparison.Ordinal);

        (code, output, error) = await CliRunner.RunAsync("admin", "list", "--data-root", dir.Path, "--json");
        Assert.True(code == 0, error);
        Assert.DoesNotContain(password, output, StringComparison.Ordinal); // never shown again
        using (var json = JsonDocument.Parse(output))
        {
            var root = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal("admin", Assert.Single(root.GetProperty("roles").EnumerateArray()).GetString());
            Assert.True(root.GetProperty("mustChangePassword").GetBoolean());
        }

        (code, output, _) = await CliRunner.RunAsync("audit", "list", "--data-root", dir.Path, "--action", "admin.user.create", "--json");
        Assert.Equal(0, code);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal("root", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("entry").GetProperty("target").GetString());
        }
    }
}
