using Npgsql;
using Research.Data.Providers.Wrds;
using Research.Data.Synthetic;
using Research.Testing;

namespace Research.Data.Tests.Providers.Wrds;

/// <summary>A synthetic market generated to disk and loaded into a fresh WRDS-shaped PostgreSQL database.</summary>
internal sealed class WrdsShapedDatabase : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private WrdsShapedDatabase(TempDirectory dir, PostgresDatabase database)
    {
        _dir = dir;
        Database = database;
    }

    public PostgresDatabase Database { get; }

    /// <summary>The generated market: the truth the synced warehouse is compared with.</summary>
    public string Market => _dir.Combine("market");

    public WrdsSettings Settings => WrdsSettings.FromConnectionString(Database.ConnectionString) with { SslMode = SslMode.Disable, MinQueryInterval = TimeSpan.Zero };

    public WrdsShapedLoader Loader => new(Database.ConnectionString);

    /// <summary>Generates the market, then loads it; <paramref name="dailyThrough"/> (given the market folder) may stop the daily tables early.</summary>
    public static async Task<WrdsShapedDatabase> CreateAsync(SyntheticMarketOptions options, CrspFormat format = CrspFormat.Auto, Func<string, DateOnly>? dailyThrough = null)
    {
        var database = await PostgresDatabase.CreateAsync();
        var dir = TestEnvironment.CreateTempDirectory("wrds-db");
        var result = new WrdsShapedDatabase(dir, database);
        await SyntheticMarketGenerator.GenerateAsync(options, result.Market, cancellationToken: TestContext.Current.CancellationToken);
        await result.Loader.LoadAsync(result.Market, null, TestContext.Current.CancellationToken, format, dailyThrough?.Invoke(result.Market));
        return result;
    }

    /// <summary>A client logged in as the test server's superuser (the throwaway server trusts local connections).</summary>
    public WrdsClient Client(int rowGroupSize = 100_000) => new(Settings, new WrdsCredentials(Settings.Username ?? "postgres", "unused", "test server")) { RowGroupSize = rowGroupSize };

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        _dir.Dispose();
    }
}
