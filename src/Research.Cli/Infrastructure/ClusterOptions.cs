using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Research.Cli.Infrastructure;

/// <summary>Options of the commands that go through the cluster, and the configuration they connect with.</summary>
public static class ClusterOptions
{
    /// <summary><c>--gateway-port</c>: the local platform's Orleans gateway.</summary>
    public static Option<int?> Gateway { get; } = new("--gateway-port") { Description = "Orleans gateway of the local platform (default: Research:Cluster:GatewayPort, else 30000)." };

    /// <summary>The CLI's configuration with <c>--gateway-port</c> applied.</summary>
    public static IConfiguration Configuration(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var configuration = CliConfiguration.Build(parse);
        if (parse.GetValue(Gateway) is { } port)
        {
            configuration[Research.Grains.Client.ConfigurationKeys.GatewayPort] = port.ToString(CultureInfo.InvariantCulture);
        }

        return configuration;
    }
}
