using System.Net;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains;
using Research.Grains.Client;
using Research.Grains.Hosting;
using Research.Platform.Storage.Results;
using Research.Platform.Storage.Security;
using Research.Silo.Storage;

namespace Research.Silo.Hosting;

/// <summary>
/// Configures a silo for a hosting profile. Development: localhost clustering, SQLite grain state under the
/// data root, in-memory reminders. Production: membership, grain state and reminders on PostgreSQL through
/// the ADO.NET providers (schema: <c>research db migrate</c>).
/// </summary>
public static class SiloConfiguration
{
    /// <param name="silo">The silo to configure.</param>
    /// <param name="configuration">The settings (<see cref="ConfigurationKeys"/>).</param>
    /// <param name="clock">The silo's one clock (warehouse, jobs, sessions, grain state); the system clock unless a test passes a fake one.</param>
    public static ISiloBuilder ConfigureResearchSilo(this ISiloBuilder silo, IConfiguration configuration, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        clock ??= TimeProvider.System;
        var settings = ClusterSettings.From(configuration);
        var dataRoot = Path.GetFullPath(configuration[ConfigurationKeys.DataRoot] ?? "data");
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.Services.AddSingleton(SiloRegistration.BindFetcherSettings(configuration));
        silo.Services.AddSingleton(SiloRegistration.BindExplorerOptions(configuration));
        silo.AddResearchWarehouse(new WarehouseLayout(dataRoot), clock);
        silo.Services.AddSingleton(SyntheticOptionsReader.Read(key => configuration[key], DemoWarehouseSeeder.DemoOptions));
        var resultIndex = settings.Profile == HostingProfile.Production
            ? SqlBacktestResultIndex.Postgres(settings.ConnectionString!)
            : SqlBacktestResultIndex.Sqlite(Path.Combine(dataRoot, "results", "results.db"));
        // The trial ledger: signal sweeps record their variants in it, the explorer's evaluations too.
        var ledger = Research.Platform.Storage.Alpha.AlphaLedger.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, dataRoot);
        silo.Services.AddSingleton(ledger);
        silo.AddResearchBacktests(Path.Combine(dataRoot, "results", "backtests"), resultIndex, SiloRegistration.BindBacktestJobOptions(configuration), ledger);

        // Paper accounts, breakers and the gateway; the reset's step-up goes to the account store below.
        silo.AddResearchTrading(SiloRegistration.BindTradingOptions(configuration));
        silo.AddResearchHealth();
        silo.AddResearchAlerts(Research.Platform.Storage.Alerts.AlertStore.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, dataRoot),
            SiloRegistration.BindAlertOptions(configuration));
        silo.AddResearchReports(SiloRegistration.BindReportOptions(configuration));
        silo.Services.AddSingleton(Research.Platform.Storage.Journal.JournalNotes.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, dataRoot));

        // Users, sessions, API keys and the audit log, behind the security grains (the console reaches them only through those).
        var security = SecurityStorage.Open(settings.Profile == HostingProfile.Production ? settings.ConnectionString : null, dataRoot, clock, configuration[ConfigurationKeys.AuditKeyFile]);
        silo.AddResearchSecurityGrains(security, SiloRegistration.BindSessionPolicy(configuration, ConfigurationKeys.SessionIdleMinutes, ConfigurationKeys.SessionAbsoluteHours),
            SiloRegistration.BindSignInThrottle(configuration, ConfigurationKeys.FailedSignInsPerAddress));

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
}
