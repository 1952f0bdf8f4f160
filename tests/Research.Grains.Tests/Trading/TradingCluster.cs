using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client;
using Research.Grains.Hosting;
using Research.Grains.Trading;
using Research.Silo.Storage;

namespace Research.Grains.Tests.Trading;

/// <summary>Accepts one code for every user: the breaker's own step-up check, without an account store.</summary>
public sealed class FixedCodeVerifier(string accepted) : IStepUpVerifier
{
    public Task<bool> VerifyAsync(string userName, string code) => Task.FromResult(code == accepted);
}

/// <summary>
/// An in-process cluster with the trading grains over a warehouse, grain state in one SQLite file (an order survives
/// the silo that wrote it), one fake clock for every silo, and a step-up check that accepts <see cref="Code"/>.
/// </summary>
public static class TradingCluster
{
    public const string Code = "246810";

    public static CallerIdentity Operator { get; } = new("ops", Role.Operator, "tests");

    public static async Task<InProcessTestCluster> StartAsync(int silos, WarehouseLayout layout, string scratch, FakeTimeProvider clock, TradingOptions options)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            var database = Path.Combine(scratch, "grains.db");
            silo.Services.AddGrainStorage(GrainStorageNames.Research, (sp, _) => new SqliteGrainStorage(database, sp.GetRequiredService<IGrainStorageSerializer>(), TimeProvider.System));
            silo.Services.AddSingleton<IStepUpVerifier>(new FixedCodeVerifier(Code));
            silo.AddResearchWarehouse(layout, clock);
            silo.AddResearchTrading(options);
            silo.UseInMemoryReminderService();
            Backtests.BacktestCluster.UseFastFailureDetection(silo);
        });
        builder.ConfigureClient(client => client.UseCallerIdentity(Operator));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Tickers with a price on the warehouse's last session.</summary>
    public static IReadOnlyList<string> Tickers(WarehouseLayout layout, int count)
    {
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily", "crsp/names"]);
        using var command = session.CreateTrustedCommand($"""
            SELECT n.ticker FROM crsp.names n JOIN crsp.daily d ON d.permno = n.permno AND d.date = (SELECT max(date) FROM crsp.daily)
            WHERE d.date BETWEEN n.namedt AND n.nameendt AND d.vol > 100000 AND d.prc IS NOT NULL ORDER BY n.ticker LIMIT {count}
            """);
        using var reader = command.ExecuteReader();
        var tickers = new List<string>();
        while (reader.Read())
        {
            tickers.Add(reader.GetString(0));
        }

        return tickers.Count == count ? tickers : throw new InvalidOperationException($"the warehouse has {tickers.Count} liquid tickers on its last session; {count} are needed.");
    }
}
