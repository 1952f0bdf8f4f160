using Npgsql;
using Research.Data.Providers.Wrds;
using Research.Data.Synthetic;
using Research.Testing;
using ParquetQuery = Research.Data.Tests.Synthetic.Parquet;

namespace Research.Data.Tests.Providers.Wrds;

/// <summary>The synthetic market in PostgreSQL under WRDS's names and types, for the WRDS client's tests.</summary>
public sealed class WrdsShapedLoaderTests
{
    [Fact]
    public async Task The_synthetic_market_loads_into_WRDS_shaped_tables_row_for_row()
    {
        var server = TestEnvironment.RequirePostgres();
        using var dir = TestEnvironment.CreateTempDirectory("wrds-load");
        var market = dir.Combine("market");
        await SyntheticMarketGenerator.GenerateAsync(new SyntheticMarketOptions { Stocks = 60, Years = 2, Seed = 3, IntradaySymbols = 0 }, market, cancellationToken: TestContext.Current.CancellationToken);

        var database = "research_wrds_" + Guid.NewGuid().ToString("N")[..10];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var cs = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        try
        {
            var counts = await new WrdsShapedLoader(cs).LoadAsync(market, null, TestContext.Current.CancellationToken);
            foreach (var table in WrdsShapedLoader.Tables)
            {
                var parquetRows = ParquetQuery.Scalar<long>($"SELECT count(*) FROM read_parquet('{ParquetQuery.Glob(market, table.Dataset)}')");
                Assert.Equal(parquetRows, counts[table.Name]);
                Assert.Equal(parquetRows, await ScalarAsync(cs, $"SELECT count(*) FROM {table.Name}"));
            }

            Assert.Equal("double precision", await ScalarAsync<string>(cs, "SELECT data_type FROM information_schema.columns WHERE table_schema = 'crsp' AND table_name = 'dsf' AND column_name = 'permno'"));
            var missingDlret = ParquetQuery.Scalar<long>($"SELECT count(*) FROM read_parquet('{ParquetQuery.Glob(market, "crsp/delisting")}') WHERE dlret IS NULL");
            Assert.Equal(missingDlret, await ScalarAsync(cs, "SELECT count(*) FROM crsp.dsedelist WHERE dlret IS NULL"));
            var sum = ParquetQuery.Scalar<double>($"SELECT sum(ret) FROM read_parquet('{ParquetQuery.Glob(market, "crsp/daily")}')");
            Assert.Equal(sum, await ScalarAsync<double>(cs, "SELECT sum(ret) FROM crsp.dsf"), 9);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    private static async Task<long> ScalarAsync(string cs, string sql) => Convert.ToInt64(await ScalarAsync<object>(cs, sql), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<T> ScalarAsync<T>(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
