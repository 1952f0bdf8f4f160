using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Research.Data.Providers.Wrds;
using Research.Grains.Client;

namespace Research.Cli.Infrastructure;

/// <summary>
/// Options that say how to reach WRDS, shared by <c>research sync --source wrds</c> and <c>research wrds ...</c>.
/// Precedence: command line, then configuration (<c>Research:Wrds:*</c> from appsettings, user secrets,
/// environment), then WRDS's defaults. Passwords never come from the command line.
/// </summary>
public static class WrdsConnectionOptions
{
    public static Option<string?> Server { get; } = new("--wrds")
    {
        Description = "Server as a connection string without password, e.g. 'Host=127.0.0.1;Port=5432;Database=wrds;Username=me;SSL Mode=Disable' (default: WRDS, wrds-pgdata.wharton.upenn.edu:9737, SSL).",
        Recursive = true,
    };

    public static Option<string?> User { get; } = new("--wrds-user") { Description = "WRDS user name (default: Research:Wrds:Username, WRDS_USERNAME, or the pgpass line).", Recursive = true };

    public static Option<string?> Secrets { get; } = new("--secrets") { Description = "JSON secrets file {\"Username\": ..., \"Password\": ...}; must be mode 0600.", Recursive = true };

    public static Option<string> Format { get; } = new("--crsp-format")
    {
        Description = "CRSP layout: auto (CIZ when crsp.dsf_v2 is readable), siz (crsp.dsf, dsenames, dsedelist) or ciz (crsp.dsf_v2, stksecurityinfohist, stkdelists).",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Server, User, Secrets, Format];

    public static CrspFormat ParseFormat(ParseResult parse) => parse.GetValue(Format)?.ToLowerInvariant() switch
    {
        "auto" or null => CrspFormat.Auto,
        "siz" => CrspFormat.Siz,
        "ciz" => CrspFormat.Ciz,
        var other => throw new CliException($"--crsp-format: '{other}' is not one of auto, siz, ciz."),
    };

    /// <summary>Settings and credentials from the command line and configuration; a client ready to log in on first use.</summary>
    public static WrdsClient CreateClient(ParseResult parse, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = parse.GetValue(Server) is { Length: > 0 } server
            ? WrdsSettings.FromConnectionString(server)
            : new WrdsSettings
            {
                Host = configuration[ConfigurationKeys.WrdsHost] ?? WrdsSettings.DefaultHost,
                Port = int.TryParse(configuration[ConfigurationKeys.WrdsPort], out var port) ? port : WrdsSettings.DefaultPort,
                Database = configuration[ConfigurationKeys.WrdsDatabase] ?? WrdsSettings.DefaultDatabase,
                Username = configuration[ConfigurationKeys.WrdsUsername],
                SslMode = Enum.TryParse<SslMode>(configuration[ConfigurationKeys.WrdsSslMode], ignoreCase: true, out var ssl) ? ssl : SslMode.Require,
            };
        if (parse.GetValue(User) is { Length: > 0 } user)
        {
            settings = settings with { Username = user };
        }

        var credentials = WrdsCredentialResolver.Resolve(settings, new WrdsCredentialSources
        {
            Configured = (configuration[ConfigurationKeys.WrdsUsername], configuration[ConfigurationKeys.WrdsPassword]),
            SecretsFile = parse.GetValue(Secrets) ?? configuration[ConfigurationKeys.WrdsSecretsFile],
            PgpassFile = configuration[ConfigurationKeys.WrdsPgpassFile],
        });
        return new WrdsClient(settings, credentials);
    }
}
