using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

public sealed class QuerySafetyTests
{
    [Theory]
    [InlineData("DELETE FROM crsp.daily", "Only SELECT")]
    [InlineData("CREATE TABLE t AS SELECT 1", "Only SELECT")]
    [InlineData("COPY (SELECT 1) TO '/tmp/research-leak.csv'", "Only SELECT")]
    [InlineData("SET enable_external_access = true", "Only SELECT")]
    [InlineData("ATTACH '/tmp/other.db'", "Only SELECT")]
    [InlineData("SELECT 1; SELECT 2", "exactly one")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')", "disabled by configuration")]
    [InlineData("SELECT * FROM read_parquet('/tmp/*.parquet')", "disabled by configuration")]
    [InlineData("SELECT * FROM crsp.nope", "nope does not exist")]
    public async Task Hostile_or_broken_SQL_is_refused_with_a_reason(string sql, string reason)
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 3, 1);
        using var session = w.Open();
        var e = Assert.Throws<QueryRejectedException>(() => session.Query(sql));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/research-leak.csv"));
        Assert.Equal(3L, session.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]);
    }

    [Fact]
    public async Task Results_are_cut_at_the_row_limit_and_say_so()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 50, 1);
        using var session = w.Open(limits: QueryLimits.Default with { MaxRows = 20 });
        var result = session.Query("SELECT * FROM crsp.daily ORDER BY permno");
        Assert.Equal(20, result.Rows.Count);
        Assert.True(result.Truncated);
        Assert.Equal(["permno", "date", "prc"], result.Columns);
    }

    [Fact]
    public async Task A_query_past_its_time_limit_is_interrupted()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 3, 1);
        using var session = w.Open(limits: QueryLimits.Default with { Timeout = TimeSpan.FromMilliseconds(200) });
        var e = Assert.Throws<QueryRejectedException>(() => session.Query("SELECT count(*) FROM range(1000000000) a, range(1000000) b WHERE a.range + b.range = -1"));
        Assert.Contains("time limit", e.Message, StringComparison.Ordinal);
    }
}
