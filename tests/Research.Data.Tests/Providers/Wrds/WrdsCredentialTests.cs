using Research.Data.Providers.Wrds;
using Research.Testing;

namespace Research.Data.Tests.Providers.Wrds;

/// <summary>Where WRDS credentials come from, and that a password file others can read is refused.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WrdsCredentialTests : IDisposable
{
    private const string Secret = "s3cr:et\\pw";
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("wrds-creds");
    private static readonly WrdsSettings Wrds = new();

    public void Dispose() => _dir.Dispose();

    private static WrdsCredentialSources Sources(string? pgpass = null, string? secrets = null, Dictionary<string, string>? env = null) => new()
    {
        Environment = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        PgpassFile = pgpass,
        SecretsFile = secrets,
    };

    private string WriteFile(string name, string content, UnixFileMode mode)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void A_pgpass_file_readable_by_others_is_refused_with_the_mode_and_the_fix()
    {
        var path = WriteFile("pgpass", $"{WrdsSettings.DefaultHost}:9737:wrds:alice:Zq9secret\n", (UnixFileMode)Convert.ToInt32("644", 8));
        var e = Assert.Throws<WrdsException>(() => WrdsCredentialResolver.Resolve(Wrds, Sources(pgpass: path)));
        Assert.Equal(WrdsErrorKind.Credentials, e.Kind);
        Assert.Contains("0644", e.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {path}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq9secret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_0600_pgpass_file_gives_the_first_matching_line_with_wildcards_and_escapes()
    {
        var path = WriteFile("pgpass", string.Join('\n',
            "# comment",
            "otherhost:9737:wrds:alice:wrong",
            $"{WrdsSettings.DefaultHost}:*:wrds:alice:s3cr\\:et\\\\pw",
            "*:*:*:*:fallback"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var credentials = WrdsCredentialResolver.Resolve(Wrds, Sources(pgpass: path));
        Assert.Equal("alice", credentials.Username);
        Assert.Equal(Secret, credentials.Password);
        Assert.Contains("line 3", credentials.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr", credentials.ToString(), StringComparison.Ordinal);

        var bob = WrdsCredentialResolver.Resolve(Wrds with { Username = "bob" }, Sources(pgpass: path));
        Assert.Equal("fallback", bob.Password);
    }

    [Fact]
    public void The_environment_wins_over_files_and_a_bad_file_is_not_read_when_not_needed()
    {
        var bad = WriteFile("pgpass", "*:*:*:*:x\n", (UnixFileMode)Convert.ToInt32("666", 8));
        var credentials = WrdsCredentialResolver.Resolve(Wrds, Sources(pgpass: bad, env: new() { ["WRDS_USERNAME"] = "carol", ["WRDS_PASSWORD"] = Secret }));
        Assert.Equal("carol", credentials.Username);
        Assert.Equal(Secret, credentials.Password);
        Assert.Equal("environment variable WRDS_PASSWORD", credentials.Source);
    }

    [Fact]
    public void A_secrets_file_must_be_0600_and_valid_json_and_its_errors_never_quote_it()
    {
        var open = WriteFile("secrets.json", $$"""{"Username":"dave","Password":"{{Secret.Replace("\\", "\\\\", StringComparison.Ordinal)}}"}""", (UnixFileMode)Convert.ToInt32("640", 8));
        Assert.Contains("0640", Assert.Throws<WrdsException>(() => WrdsCredentialResolver.Resolve(Wrds, Sources(secrets: open))).Message, StringComparison.Ordinal);

        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var credentials = WrdsCredentialResolver.Resolve(Wrds, Sources(secrets: open));
        Assert.Equal(("dave", Secret), (credentials.Username, credentials.Password));

        var broken = WriteFile("broken.json", "{\"Password\": \"hunter2", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var e = Assert.Throws<WrdsException>(() => WrdsCredentialResolver.Resolve(Wrds, Sources(secrets: broken)));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_any_source_the_error_lists_every_way_to_give_credentials()
    {
        var e = Assert.Throws<WrdsException>(() => WrdsCredentialResolver.Resolve(Wrds, Sources(pgpass: _dir.Combine("missing"))));
        Assert.Equal(WrdsErrorKind.Credentials, e.Kind);
        foreach (var hint in new[] { "WRDS_PASSWORD", "user-secrets", "--secrets", "pgpass", "0600" })
        {
            Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_connection_string_with_a_password_is_refused()
    {
        var e = Assert.Throws<WrdsException>(() => WrdsSettings.FromConnectionString("Host=h;Database=wrds;Username=u;Password=topsecret"));
        Assert.DoesNotContain("topsecret", e.Message, StringComparison.Ordinal);
        var settings = WrdsSettings.FromConnectionString("Host=localhost;Port=5433;Database=test;Username=u;SSL Mode=Disable");
        Assert.Equal(("localhost", 5433, "test", "u", Npgsql.SslMode.Disable), (settings.Host, settings.Port, settings.Database, settings.Username, settings.SslMode));
        Assert.Equal((WrdsSettings.DefaultHost, 9737, "wrds", Npgsql.SslMode.Require), (new WrdsSettings().Host, new WrdsSettings().Port, new WrdsSettings().Database, new WrdsSettings().SslMode));
    }
}
