using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Research.Grains.Client;
using Research.Platform.Storage.Alpha;
using Research.Platform.Storage.Security;

namespace Research.Cli.Infrastructure;

/// <summary>
/// Standard .NET configuration for the CLI: <c>appsettings.json</c> in the working directory (optional), then
/// .NET user secrets (WRDS credentials), then environment variables (<c>Research__DataRoot</c>), then command-line options such as <c>--data-root</c>.
/// </summary>
public static class CliConfiguration
{
    public static IConfiguration Build(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddUserSecrets(typeof(CliConfiguration).Assembly, optional: true)
            .AddEnvironmentVariables();
        var dataRoot = parse.GetValue(CliOptions.DataRoot);
        if (!string.IsNullOrWhiteSpace(dataRoot))
        {
            builder.AddInMemoryCollection([new KeyValuePair<string, string?>(ConfigurationKeys.DataRoot, dataRoot)]);
        }

        return builder.Build();
    }

    /// <summary>The absolute warehouse root.</summary>
    public static string DataRoot(IConfiguration configuration) =>
        Path.GetFullPath(configuration[ConfigurationKeys.DataRoot] is { Length: > 0 } root ? root : "data");

    /// <summary>Users, sessions, API keys and the audit log: PostgreSQL (<c>ConnectionStrings:Orleans</c>) in Production, else SQLite under the data root.</summary>
    public static SecurityStorage Security(IConfiguration configuration)
    {
        var settings = ClusterSettings.From(configuration);
        return SecurityStorage.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, DataRoot(configuration), TimeProvider.System, configuration[ConfigurationKeys.AuditKeyFile]);
    }

    /// <summary>Stored signals and the trial ledger: PostgreSQL (<c>ConnectionStrings:Orleans</c>) in Production, else SQLite under the data root.</summary>
    public static AlphaLedger Alpha(IConfiguration configuration)
    {
        var settings = ClusterSettings.From(configuration);
        return AlphaLedger.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, DataRoot(configuration));
    }
}
