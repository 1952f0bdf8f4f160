using Research.Platform.Storage.Results;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Research.Platform.Storage.Security;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Backtesting.Results;
using Research.Grains;
using Research.Grains.Backtests;
using Research.Grains.Client;
using Research.Grains.Security;
using Research.Silo.Storage;

namespace Research.Silo.Hosting;

/// <summary>
/// Configures a silo for a hosting profile. Development: localhost clustering, SQLite grain state under the
/// data root, in-memory reminders. Production: membership, grain state and reminders on PostgreSQL through
/// the ADO.NET providers (schema: <c>research db migrate</c>).
/// </summary>
public static class SiloConfiguration
{
    public static ISiloBuilder ConfigureResearchSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var settings = ClusterSettings.From(configuration);
        var dataRoot = Path.GetFullPath(configuration[ConfigurationKeys.DataRoot] ?? "data");
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.Services.AddSingleton(new WarehouseLayout(dataRoot));
        silo.Services.AddSingleton(TimeProvider.System);
        silo.AddIncomingGrainCallFilter<ActionAuthorizationFilter>();
        silo.Services.AddSingleton(SyntheticOptionsReader.Read(key => configuration[key], DemoWarehouseSeeder.DemoOptions));
        var jobOptions = new BacktestJobOptions
        {
            MaxJobsPerSilo = int.TryParse(configuration[ConfigurationKeys.BacktestJobsPerSilo], NumberStyles.None, CultureInfo.InvariantCulture, out var perSilo) && perSilo > 0 ? perSilo : 1,
            MaxJobsPerUser = int.TryParse(configuration[ConfigurationKeys.BacktestJobsPerUser], NumberStyles.None, CultureInfo.InvariantCulture, out var perUser) && perUser > 0 ? perUser : 2,
        };
        var resultIndex = settings.Profile == HostingProfile.Production
            ? SqlBacktestResultIndex.Postgres(settings.ConnectionString!)
            : SqlBacktestResultIndex.Sqlite(Path.Combine(dataRoot, "results", "results.db"));
        silo.Services.AddSingleton(sp => new BacktestServices(sp.GetRequiredService<WarehouseLayout>(), new BacktestSeriesStore(Path.Combine(dataRoot, "results", "backtests")), resultIndex, jobOptions));

        // Users, sessions, API keys and the audit log, behind the security grains (the console reaches them only through those).
        var security = SecurityStorage.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, dataRoot, TimeProvider.System);
        silo.Services.AddSingleton(new SessionPolicy(
            TimeSpan.FromMinutes(Positive(configuration[ConfigurationKeys.SessionIdleMinutes]) ?? SessionPolicy.Default.Idle.TotalMinutes),
            TimeSpan.FromHours(Positive(configuration[ConfigurationKeys.SessionAbsoluteHours]) ?? SessionPolicy.Default.Absolute.TotalHours)));
        silo.Services.AddResearchSecurity(security);

        if (settings.Profile == HostingProfile.Production)
        {
            var advertised = settings.AdvertisedAddress is { Length: > 0 } a ? IPAddress.Parse(a) : null;
            silo.ConfigureEndpoints(advertised ?? IPAddress.Loopback, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: advertised is not null);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
            silo.AddAdoNetGrainStorage(GrainStorageNames.Research, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
        }
        else
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
            var database = Path.Combine(dataRoot, "orleans", "grains.db");
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(database, sp.GetRequiredService<IGrainStorageSerializer>(), sp.GetRequiredService<TimeProvider>()));
            silo.UseInMemoryReminderService();
        }

        return silo;
    }

    private static double? Positive(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
