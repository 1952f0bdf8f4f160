using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client;

namespace Research.Cli.Infrastructure;

/// <summary>An Orleans client connection for commands that go through the cluster (<c>research backtest submit</c> and friends).</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    /// <summary>
    /// The CLI acts as an administrator under the OS user's name: whoever can run it can reach the gateway and the data
    /// root already (the cluster network is the boundary; see docs/CONCEPTS/analytics-security.md).
    /// </summary>
    public static CallerIdentity CliIdentity { get; } = new(Environment.UserName, Role.Admin, $"cli@{Environment.MachineName}");

    /// <summary>Connects per the configuration (Development: the local gateway); fails in one line saying how to start a cluster.</summary>
    /// <param name="withoutCluster">What to do instead without a cluster, for the error message.</param>
    public static async Task<ClusterConnection> ConnectAsync(IConfiguration configuration, CancellationToken cancellationToken, string withoutCluster = "use 'research backtest run' to run in this process")
    {
        var settings = ClusterSettings.From(configuration);
        var fix = $"Start the platform with 'research up' (or set {ConfigurationKeys.GatewayPort.Replace(":", "__", StringComparison.Ordinal)} or --gateway-port), or {withoutCluster}.";
        if (settings.Profile != HostingProfile.Production && !await TcpProbe.ListensAsync("127.0.0.1", settings.GatewayPort, cancellationToken).ConfigureAwait(false))
        {
            // Nothing listens: say so at once (the Orleans client would retry for minutes first).
            throw new CliException($"No platform is running here: nothing listens on the silo gateway 127.0.0.1:{settings.GatewayPort}. {fix}");
        }

        if (settings.Profile == HostingProfile.Production && await ProductionGateways.ProblemAsync(settings, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new CliException(problem);
        }

        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c => c.UseResearchCluster(configuration).UseCallerIdentity(CliIdentity))
            .Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return new ClusterConnection(host);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            var where = settings.Profile == HostingProfile.Production ? "the cluster in ConnectionStrings:Orleans" : $"a silo gateway on 127.0.0.1:{settings.GatewayPort}";
            var advice = settings.Profile == HostingProfile.Production
                ? "Check the membership table (research db migrate; the silos' logs) and the connection string."
                : fix;
            throw new CliException($"Could not connect to {where} ({e.GetType().Name}: {e.Message}). {advice}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
