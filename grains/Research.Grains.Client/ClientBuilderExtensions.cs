using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Research.Grains.Client;

/// <summary>Connects an Orleans client to the platform's cluster according to <see cref="ClusterSettings"/>.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>Localhost gateway in Development; ADO.NET (PostgreSQL) gateway list in Production.</summary>
    public static IClientBuilder UseResearchCluster(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var settings = ClusterSettings.From(configuration);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.Profile == HostingProfile.Production)
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
        }
        else
        {
            client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
        }

        // The gateways' order and fill events (a trading service follows them; the record is the gateway's fills).
        client.AddMemoryStreams(Research.Grains.Abstractions.Trading.TradingStreams.Provider);
        return client;
    }
}
