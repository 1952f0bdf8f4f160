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
            // The refused duplicate is audited as well as the creation.
            var rows = json.RootElement.EnumerateArray().Select(r => (Target: r.GetProperty("entry").GetProperty("target").GetString(), Outcome: r.GetProperty("entry").GetProperty("outcome").GetString())).ToList();
            Assert.Contains(("root", "ok"), rows);
            Assert.Contains(("ROOT", "failed"), rows);
            Assert.Equal(2, rows.Count);
        }
    }

    [Fact]
    public async Task Role_disable_enable_and_password_reset_are_audited_and_an_admin_cannot_disable_themselves()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-admin-ops");
        var (code, _, error) = await CliRunner.RunAsync("admin", "create", "--data-root", dir.Path, "--user", "vic", "--role", "viewer");
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.RunAsync("admin", "role", "--data-root", dir.Path, "--user", "vic", "--role", "researcher", "--reason", "joined the desk");
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.RunAsync("admin", "disable", "--data-root", dir.Path, "--user", "vic", "--reason", "left");
        Assert.True(code == 0, error);
        var (listCode, list, _) = await CliRunner.RunAsync("admin", "list", "--data-root", dir.Path, "--json");
        Assert.Equal(0, listCode);
        using (var json = JsonDocument.Parse(list))
        {
            var vic = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal("researcher", Assert.Single(vic.GetProperty("roles").EnumerateArray()).GetString());
            Assert.True(vic.GetProperty("disabled").GetBoolean());
        }

        (code, _, error) = await CliRunner.RunAsync("admin", "enable", "--data-root", dir.Path, "--user", "vic");
        Assert.True(code == 0, error);
        var (resetCode, reset, resetError) = await CliRunner.RunAsync("admin", "reset-password", "--data-root", dir.Path, "--user", "vic");
        Assert.True(resetCode == 0, resetError);
        Assert.Matches("[a-z2-9]{5}(-[a-z2-9]{5}){3}", reset);
        (code, _, error) = await CliRunner.RunAsync("admin", "disable", "--data-root", dir.Path, "--user", "nobody");
        Assert.Equal(1, code);
        Assert.Contains("no user 'nobody'", error, StringComparison.Ordinal);

        // The OS user is the actor of CLI changes: an administrator of that name cannot disable themselves.
        (code, _, error) = await CliRunner.RunAsync("admin", "create", "--data-root", dir.Path, "--user", Environment.UserName);
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.RunAsync("admin", "disable", "--data-root", dir.Path, "--user", Environment.UserName);
        Assert.Equal(1, code);
        Assert.Contains("cannot disable your own account", error, StringComparison.Ordinal);

        var (auditCode, audit, _) = await CliRunner.RunAsync("audit", "list", "--data-root", dir.Path, "--actor", Environment.UserName, "--json");
        Assert.Equal(0, auditCode);
        using (var json = JsonDocument.Parse(audit))
        {
            var actions = json.RootElement.EnumerateArray().Select(r => r.GetProperty("entry").GetProperty("action").GetString() + ":" + r.GetProperty("entry").GetProperty("outcome").GetString()).ToList();
            foreach (var expected in new[] { "admin.user.role:ok", "admin.user.disable:ok", "admin.user.enable:ok", "admin.user.reset-password:ok", "admin.user.disable:refused" })
            {
                Assert.Contains(expected, actions);
            }

            Assert.Contains(json.RootElement.EnumerateArray(), r => r.GetProperty("entry").GetProperty("reason").GetString() == "joined the desk");
        }

        var (verifyCode, verify, verifyError) = await CliRunner.RunAsync("audit", "verify", "--data-root", dir.Path);
        Assert.True(verifyCode == 0, verify + verifyError);
    }
}
