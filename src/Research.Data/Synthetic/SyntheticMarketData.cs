using DuckDB.NET.Data;
using Research.Data.Fetching;
using Research.Data.Providers.Crsp;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Synthetic;

/// <summary>
/// The synthetic market as a <see cref="IMarketDataProvider"/> (<c>synthetic</c>): the generator's CRSP-shaped files for the
/// configured options (generated once into the staging cache, the same bytes a sync would publish), read by an in-memory
/// DuckDB with the same queries as the warehouse's CRSP. Independent of what the warehouse holds.
/// </summary>
public sealed class SyntheticMarketData : IMarketDataProvider, IDisposable
{
    private static readonly string[] Tables = ["daily", "names", "delisting"];
    private readonly DuckDBConnection _connection;
    private readonly CrspMarketData _crsp;

    private SyntheticMarketData(DuckDBConnection connection, string description)
    {
        _connection = connection;
        _crsp = new CrspMarketData("synthetic", Command, description);
    }

    public string Name => "synthetic";

    public static async Task<SyntheticMarketData> OpenAsync(SyntheticSyncSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        await source.EnsureGeneratedAsync(null, cancellationToken).ConfigureAwait(false);
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();
            setup.CommandText = "CREATE SCHEMA crsp; " + string.Join(" ", Tables.Select(t =>
                $"CREATE VIEW crsp.{t} AS SELECT * FROM read_parquet({DuckDbSql.List(Directory.EnumerateFiles(source.GeneratedFolder("crsp/" + t), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))});"));
            setup.ExecuteNonQuery();
            return new SyntheticMarketData(connection, $"the synthetic market {source.OptionsHash}");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public Task<PriceHistory> DailyAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) => _crsp.DailyAsync(symbol, from, to, cancellationToken);

    public Task<IReadOnlyList<string>> UniverseAsync(DateOnly date, CancellationToken cancellationToken = default) => _crsp.UniverseAsync(date, cancellationToken);

    public void Dispose() => _connection.Dispose();

    private DuckDBCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
