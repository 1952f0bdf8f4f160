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
    [InlineData("SELECT current_setting('allowed_paths')", "current_setting() is not available")]
    [InlineData("SELECT value FROM duckdb_settings() WHERE name = 'allowed_paths'", "duckdb_settings() is not available")]
    [InlineData("SELECT sql FROM duckdb_views()", "duckdb_views() is not available")]
    [InlineData("SELECT * FROM (SELECT upper(CURRENT_SETTING('allowed_paths')) AS p) WHERE p <> ''", "is not available")]
    [InlineData("SELECT * FROM pragma_database_list()", "pragma_database_list() is not available")]
    [InlineData("SELECT * FROM glob('/*')", "glob() is not available")]
    public async Task Hostile_or_broken_SQL_is_refused_with_a_reason(string sql, string reason)
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 3, 1);
        using var session = w.Open();
        var e = Assert.Throws<QueryRejectedException>(() => session.Query(sql));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/research-leak.csv"));
        Assert.DoesNotContain(w.Layout.Root, e.Message, StringComparison.Ordinal);
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
    public async Task A_runaway_result_is_streamed_and_cut_at_the_row_limit_instead_of_running_to_the_time_limit()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 3, 1);
        using var session = w.Open(limits: QueryLimits.Default with { MaxRows = 20, Timeout = TimeSpan.FromSeconds(30) });

        // 10^11 rows (the small side is the one DuckDB builds): only a streamed result answers before the time limit.
        var result = session.Query("SELECT a.range AS i, b.range AS j FROM range(10000000000) a, range(10) b");
        Assert.Equal((20, "rows"), (result.Rows.Count, result.CutBy));
    }

    [Fact]
    public async Task Results_are_cut_at_the_byte_limit_before_huge_values_reach_memory_and_a_row_alone_too_large_is_refused()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 3, 1);
        using var session = w.Open(limits: QueryLimits.Default with { MaxResultBytes = 10_000_000 });

        // Forty values of 1 MB: nine fit in 10 MB, the tenth would pass it.
        var cut = session.Query("SELECT i, repeat('x', 1000000 + i) AS s FROM range(40) t(i) ORDER BY i");
        Assert.Equal(9, cut.Rows.Count);
        Assert.Equal("bytes", cut.CutBy);
        Assert.True(cut.Truncated);
        Assert.InRange(cut.Bytes, 9_000_000, 10_000_000);
        Assert.Equal(8L, cut.Rows[^1][0]);

        // A row alone past the limit is refused with its size (its text form {'s': ...}) before its value becomes a .NET string (80 MB of text
        // would allocate 160 MB here).
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<QueryRejectedException>(() => session.Query("SELECT repeat('x', 80000000 + i) AS s FROM range(2) t(i)"));
        Assert.Contains("The first row is 80,000,007 bytes", e.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, 20_000_000);

        // What the hardening issue saw take 3.2 GB for 40 rows now stops inside DuckDB at its memory limit.
        var oom = Assert.Throws<QueryRejectedException>(() => session.Query("SELECT repeat('x', 80000000 + i) AS s FROM range(40) t(i)"));
        Assert.Contains("Out of Memory", oom.Message, StringComparison.Ordinal);

        // Duplicate and differently cased names come back as the user wrote them; nested values are counted too.
        var named = session.Query("SELECT 1 AS a, 2 AS a, 'x' AS \"A\", [1, 2] AS l, NULL AS n;");
        Assert.Equal(["a", "a", "A", "l", "n"], named.Columns);
        Assert.Equal(["INTEGER", "INTEGER", "VARCHAR", "INTEGER[]", "INTEGER"], named.Types);
        Assert.Null(named.Rows[0][4]);
        Assert.Single(named.Rows);
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
