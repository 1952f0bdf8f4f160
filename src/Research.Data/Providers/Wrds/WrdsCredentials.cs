using System.Text;
using System.Text.Json;

namespace Research.Data.Providers.Wrds;

/// <summary>A WRDS user name and password and where they came from. <see cref="ToString"/> never shows the password.</summary>
public sealed class WrdsCredentials(string username, string password, string source)
{
    public string Username { get; } = username;

    /// <summary>The secret: read only to open the connection; never logged (see <see cref="ToString"/>).</summary>
    public string Password { get; } = password;

    /// <summary>Where the credentials came from, e.g. <c>pgpass /root/.pgpass line 3</c>.</summary>
    public string Source { get; } = source;

    public override string ToString() => $"{Username} (password from {Source})";
}

/// <summary>Inputs to credential resolution; the defaults read the real environment and home folder.</summary>
public sealed record WrdsCredentialSources
{
    /// <summary>Reads an environment variable (tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>User name and password from .NET configuration (user secrets, <c>Research:Wrds:*</c>), if any.</summary>
    public (string? Username, string? Password) Configured { get; init; }

    /// <summary>A JSON secrets file <c>{"Username": "...", "Password": "..."}</c>; must be mode 0600.</summary>
    public string? SecretsFile { get; init; }

    /// <summary>The pgpass file; default <c>PGPASSFILE</c> or <c>~/.pgpass</c>; must be mode 0600.</summary>
    public string? PgpassFile { get; init; }
}

/// <summary>
/// Finds WRDS credentials, first match wins: (1) the <c>WRDS_PASSWORD</c> environment variable (user from
/// <c>WRDS_USERNAME</c> or the settings); (2) .NET configuration / user secrets (<c>Research:Wrds:Username</c>,
/// <c>Research:Wrds:Password</c>); (3) a JSON secrets file; (4) a PostgreSQL pgpass file. Files holding a password
/// are refused unless only their owner can read them (mode 0600), like an SSH key: a readable password file is a
/// leak waiting to happen, so this is an error, not a warning.
/// </summary>
public static class WrdsCredentialResolver
{
    public static WrdsCredentials Resolve(WrdsSettings settings, WrdsCredentialSources sources)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sources);
        var envUser = NullIfEmpty(sources.Environment("WRDS_USERNAME"));
        var user = settings.Username ?? envUser ?? NullIfEmpty(sources.Configured.Username);
        if (NullIfEmpty(sources.Environment("WRDS_PASSWORD")) is { } envPassword)
        {
            return new WrdsCredentials(user ?? throw NoUser("WRDS_PASSWORD"), envPassword, "environment variable WRDS_PASSWORD");
        }

        if (NullIfEmpty(sources.Configured.Password) is { } configured)
        {
            return new WrdsCredentials(user ?? throw NoUser("Research:Wrds:Password"), configured, "configuration Research:Wrds:Password (user secrets)");
        }

        if (sources.SecretsFile is { } secrets)
        {
            return FromSecretsFile(secrets, user);
        }

        var pgpass = sources.PgpassFile ?? NullIfEmpty(sources.Environment("PGPASSFILE"))
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".pgpass");
        if (File.Exists(pgpass))
        {
            return FromPgpass(pgpass, settings, user);
        }

        throw new WrdsException(WrdsErrorKind.Credentials,
            $"No WRDS credentials found. Set WRDS_USERNAME and WRDS_PASSWORD, or store them with 'dotnet user-secrets' (Research:Wrds:Username/Password), " +
            $"or a secrets file (--secrets FILE, mode 0600), or a pgpass line '{settings.Host}:{settings.Port}:{settings.Database}:USER:PASSWORD' in {pgpass} (mode 0600).");
    }

    /// <summary>Throws unless only the owner may read or write <paramref name="path"/> (no-op on Windows, which has no modes).</summary>
    public static void RequireOwnerOnly(string path, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) != 0)
        {
            var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            throw new WrdsException(WrdsErrorKind.Credentials,
                $"{what} {path} has mode {octal}: other users can read your WRDS password. Refusing to use it; run 'chmod 600 {path}'.");
        }
    }

    private static WrdsCredentials FromSecretsFile(string path, string? user)
    {
        if (!File.Exists(path))
        {
            throw new WrdsException(WrdsErrorKind.Credentials, $"The WRDS secrets file {path} does not exist.");
        }

        RequireOwnerOnly(path, "The WRDS secrets file");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement.TryGetProperty("Wrds", out var nested) ? nested : document.RootElement;
            var fileUser = root.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var password = root.TryGetProperty("Password", out var p) ? p.GetString() : null;
            if (string.IsNullOrEmpty(password))
            {
                throw new WrdsException(WrdsErrorKind.Credentials, $"The WRDS secrets file {path} has no \"Password\".");
            }

            return new WrdsCredentials(user ?? NullIfEmpty(fileUser) ?? throw NoUser(path), password, $"secrets file {path}");
        }
        catch (JsonException e)
        {
            // The parser's message may quote the file's content: keep only the position.
            throw new WrdsException(WrdsErrorKind.Credentials, $"The WRDS secrets file {path} is not valid JSON (line {e.LineNumber + 1}).");
        }
    }

    private static WrdsCredentials FromPgpass(string path, WrdsSettings settings, string? user)
    {
        RequireOwnerOnly(path, "The pgpass file");
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = SplitPgpassLine(line);
            if (fields.Count != 5)
            {
                throw new WrdsException(WrdsErrorKind.Credentials,
                    $"{path} line {lineNumber} has {fields.Count} fields; a pgpass line is host:port:database:username:password (escape ':' as '\\:').");
            }

            var matches = Matches(fields[0], settings.Host) && Matches(fields[1], settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                && Matches(fields[2], settings.Database) && (user is null ? fields[3] != "*" : Matches(fields[3], user));
            if (matches)
            {
                return new WrdsCredentials(user ?? fields[3], fields[4], $"pgpass {path} line {lineNumber}");
            }
        }

        throw new WrdsException(WrdsErrorKind.Credentials,
            $"{path} has no line for {settings.Host}:{settings.Port}:{settings.Database}:{user ?? "USER"}; add one (host:port:database:username:password).");
    }

    private static List<string> SplitPgpassLine(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                current.Append(line[++i]);
            }
            else if (line[i] == ':' && fields.Count < 4)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(line[i]);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }

    private static bool Matches(string pattern, string value) => pattern == "*" || string.Equals(pattern, value, StringComparison.Ordinal);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static WrdsException NoUser(string passwordSource) => new(WrdsErrorKind.Credentials,
        $"A WRDS password was found in {passwordSource} but no user name: set WRDS_USERNAME or --user.");
}
