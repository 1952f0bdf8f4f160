using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Research.Cli.Infrastructure;

/// <summary>Options of the commands that go through the cluster, and the configuration they connect with.</summary>
public static class ClusterOptions
{
    /// <summary><c>--gateway-port</c>: the local platform's Orleans gateway.</summary>
    public static Option<int?> Gateway { get; } = new("--gateway-port") { Description = "Orleans gateway of the local platform (default: Research:Cluster:GatewayPort, else 30000)." };

    /// <summary>
    /// The CLI's configuration with the gateway to use: <c>--gateway-port</c>, else the configured port, else the one
    /// <c>research up</c> recorded for this data root (<c>.research/platform.json</c>, as <c>research status</c> shows it).
    /// </summary>
    public static IConfiguration Configuration(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var configuration = CliConfiguration.Build(parse);
        var key = Research.Grains.Client.ConfigurationKeys.GatewayPort;
        if (parse.GetValue(Gateway) is { } given && Research.Grains.Client.ClusterSettings.From(configuration).Profile == Research.Grains.Client.HostingProfile.Production)
        {
            throw new CliException($"--gateway-port {given}: in the Production profile the gateways come from the membership table in {Research.Grains.Client.ConfigurationKeys.OrleansConnectionString}, not from a port; leave it out.");
        }

        if (parse.GetValue(Gateway) is { } port)
        {
            configuration[key] = port.ToString(CultureInfo.InvariantCulture);
        }
        else if (string.IsNullOrEmpty(configuration[key]) && Platform.PlatformRunState.TryRead(CliConfiguration.DataRoot(configuration)) is { } running)
        {
            configuration[key] = running.GatewayPort.ToString(CultureInfo.InvariantCulture);
        }

        return configuration;
    }
}
