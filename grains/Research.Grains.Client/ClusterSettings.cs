using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Research.Grains.Client;

/// <summary>Cluster settings shared by the silo and its clients, read from standard .NET configuration.</summary>
public sealed record ClusterSettings
{
    public HostingProfile Profile { get; init; } = HostingProfile.Development;

    public string ClusterId { get; init; } = "research";

    public string ServiceId { get; init; } = "research";

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>Address other silos and clients should use (e.g. the pod IP); null = let Orleans pick.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>PostgreSQL connection string (Production).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Reads the settings; throws naming the key when a value is malformed or a required one is missing.</summary>
    public static ClusterSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var profileText = configuration[ConfigurationKeys.Profile];
        var profile = HostingProfile.Development;
        if (!string.IsNullOrWhiteSpace(profileText) && !Enum.TryParse(profileText, ignoreCase: true, out profile))
        {
            throw new InvalidOperationException($"{ConfigurationKeys.Profile}: '{profileText}' is not a profile; use Development or Production.");
        }

        var settings = new ClusterSettings
        {
            Profile = profile,
            ClusterId = configuration[ConfigurationKeys.ClusterId] ?? "research",
            ServiceId = configuration[ConfigurationKeys.ServiceId] ?? "research",
            SiloPort = Port(configuration, ConfigurationKeys.SiloPort, 11111),
            GatewayPort = Port(configuration, ConfigurationKeys.GatewayPort, 30000),
            AdvertisedAddress = configuration[ConfigurationKeys.AdvertisedAddress],
            ConnectionString = configuration[ConfigurationKeys.OrleansConnectionString],
        };
        if (settings.Profile == HostingProfile.Production && string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException($"Profile Production needs a PostgreSQL connection string in {ConfigurationKeys.OrleansConnectionString} (environment ConnectionStrings__Orleans).");
        }

        return settings;
    }

    private static int Port(IConfiguration configuration, string key, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"{key}: '{text}' is not a TCP port.");
    }
}
