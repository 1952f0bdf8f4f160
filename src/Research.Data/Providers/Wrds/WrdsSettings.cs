using Npgsql;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// Where and how to reach WRDS. The defaults are WRDS's own (host <c>wrds-pgdata.wharton.upenn.edu</c>, port 9737,
/// database <c>wrds</c>, SSL required); every one can be overridden, e.g. to point the client at a WRDS-shaped
/// test database. Holds no password: see <see cref="WrdsCredentials"/>.
/// </summary>
public sealed record WrdsSettings
{
    public const string DefaultHost = "wrds-pgdata.wharton.upenn.edu";
    public const int DefaultPort = 9737;
    public const string DefaultDatabase = "wrds";

    public string Host { get; init; } = DefaultHost;

    public int Port { get; init; } = DefaultPort;

    public string Database { get; init; } = DefaultDatabase;

    /// <summary>WRDS user name; when null it comes from the credential source (environment, secrets file, pgpass).</summary>
    public string? Username { get; init; }

    /// <summary>WRDS refuses unencrypted connections; tests against a local server use <see cref="SslMode.Disable"/>.</summary>
    public SslMode SslMode { get; init; } = SslMode.Require;

    /// <summary>TCP keepalive interval: the one long-lived connection must survive idle minutes between chunks
    /// (every new login can trigger a Duo MFA push).</summary>
    public int KeepAliveSeconds { get; init; } = 30;

    /// <summary>How long a login may take, including the time to approve a Duo push.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 60;

    /// <summary>Timeout for metadata queries (counts, estimates); bulk COPY has none.</summary>
    public int CommandTimeoutSeconds { get; init; } = 600;

    /// <summary>Least time between two queries sent to WRDS (a courtesy rate limit; zero = none).</summary>
    public TimeSpan MinQueryInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Ordered so that a tail of a long log line never shows a secret: there is none in it.</summary>
    public string Describe() => $"{Username ?? "(user from credentials)"}@{Host}:{Port}/{Database} (ssl {SslMode})";

    /// <summary>Parses an <c>Npgsql</c>-style connection string (Host, Port, Database, Username, SSL Mode) into settings,
    /// for pointing the client at a WRDS-shaped server. A password in it is refused: passwords come from credential sources.</summary>
    public static WrdsSettings FromConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.Password))
        {
            throw new WrdsException(WrdsErrorKind.Credentials,
                "The WRDS connection string contains a password. Put the password in a pgpass file (mode 0600), the WRDS_PASSWORD environment variable or a secrets file, never on a command line.");
        }

        return new WrdsSettings
        {
            Host = builder.Host ?? DefaultHost,
            Port = builder.Port,
            Database = builder.Database ?? DefaultDatabase,
            Username = builder.Username,
            SslMode = builder.SslMode,
        };
    }
}
