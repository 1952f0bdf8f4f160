using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;
using Research.Grains.Client;
using Research.Platform.Storage.Relational;
using Research.Silo.Hosting;
using Research.Testing;

namespace Research.Grains.Tests;

/// <summary>
/// The Production profile for real: membership, grain state and reminders on PostgreSQL through the ADO.NET
/// providers and the project's own schema scripts, with two silos.
/// </summary>
public sealed class ProductionClusterTests
{
    [Fact]
    public async Task Grain_state_survives_a_restart_of_the_silo_that_hosted_it()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var applied = await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken);
        Assert.Equal(PostgresMigrator.Shipped.Count, applied.Count);
        Assert.Empty(await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken));

        using var dataRoot = TestEnvironment.CreateTempDirectory("pg-cluster");
        var clusterId = "it-" + Guid.NewGuid().ToString("N")[..8];
        var ports = new[] { (FreePorts.Next(), FreePorts.Next()), (FreePorts.Next(), FreePorts.Next()) };
        IConfiguration Config(int silo, int gateway) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationKeys.Profile] = "Production",
            [ConfigurationKeys.ClusterId] = clusterId,
            [ConfigurationKeys.OrleansConnectionString] = database.ConnectionString,
            [ConfigurationKeys.SiloPort] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ConfigurationKeys.GatewayPort] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ConfigurationKeys.AdvertisedAddress] = "127.0.0.1",
            [ConfigurationKeys.DataRoot] = dataRoot.Path,
        }).Build();

        var silos = new IHost?[2];
        async Task<IHost> StartSilo(int i)
        {
            var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(l => l.ClearProviders())
                .UseOrleans(s => s.ConfigureResearchSilo(Config(ports[i].Item1, ports[i].Item2)))
                .Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            return host;
        }

        try
        {
            silos[0] = await StartSilo(0);
            silos[1] = await StartSilo(1);
            using var clientHost = Host.CreateDefaultBuilder()
                .ConfigureLogging(l => l.ClearProviders())
                .UseOrleansClient(c => c.UseResearchCluster(Config(ports[0].Item1, ports[0].Item2)).UseCallerIdentity(new CallerIdentity("tests", Role.Researcher, "tests")))
                .Build();
            await clientHost.StartAsync(TestContext.Current.CancellationToken);
            var client = clientHost.Services.GetRequiredService<IClusterClient>();

            Assert.Equal(2L, await database.ScalarAsync("SELECT count(*) FROM orleansmembershiptable WHERE status = 3"));

            var grain = client.GetGrain<IDatasetGrain>("crsp/daily");
            await grain.TagAsync("paper-2025", "v20250101T000000000Z");
            var firstHost = await grain.GetHostAsync();
            Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM orleansstorage WHERE payloadbinary IS NOT NULL AND version = 1"));

            // Restart the silo that hosted the grain: stop it (the grain deactivates), start it again.
            var hosting = firstHost.Contains($":{ports[0].Item1}@", StringComparison.Ordinal) ? 0 : 1;
            Assert.Contains($":{ports[hosting].Item1}@", firstHost, StringComparison.Ordinal);
            await silos[hosting]!.StopAsync(TestContext.Current.CancellationToken);
            silos[hosting]!.Dispose();
            silos[hosting] = await StartSilo(hosting);

            var tags = await grain.GetTagsAsync();
            Assert.Equal("v20250101T000000000Z", tags["paper-2025"]);
            Assert.NotEqual(firstHost, await grain.GetHostAsync());

            // A second write continues the version sequence in PostgreSQL (the ETag came back from storage).
            await grain.TagAsync("paper-2026", "v20260101T000000000Z");
            Assert.Equal(2L, await database.ScalarAsync("SELECT max(version) FROM orleansstorage"));
            await clientHost.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (silo is not null)
                {
                    await silo.StopAsync(CancellationToken.None);
                    silo.Dispose();
                }
            }
        }
    }
}
