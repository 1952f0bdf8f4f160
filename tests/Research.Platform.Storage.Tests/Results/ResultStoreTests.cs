using Research.Backtesting.Results;
using Research.Platform.Storage.Relational;
using Research.Platform.Storage.Results;
using Research.Testing;

namespace Research.Platform.Storage.Tests.Results;

/// <summary>The embedded result index: insert once, flags, and a retention policy that never drops pinned or starred results.</summary>
public sealed class ResultStoreTests
{
    private static StoredResult Row(string id, DateTimeOffset at, bool pinned = false, bool starred = false) =>
        new(id, "backtest", "momentum", "alice", "spec", "{}", "{\"sharpe\":1}", ResultDocuments.Sha256("{\"sharpe\":1}"), "/x/" + id, "abc", at, pinned, starred);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Recording_is_insert_once_and_retention_keeps_pinned_starred_and_recent_results(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("results");
        await using var database = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        IBacktestResultIndex index;
        if (database is null)
        {
            index = SqlBacktestResultIndex.Sqlite(Path.Combine(dir.Path, "results.db"));
        }
        else
        {
            // The production table comes from the shipped migrations, as 'research db migrate' applies them.
            await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
            index = SqlBacktestResultIndex.Postgres(database.ConnectionString);
        }

        var now = new DateTimeOffset(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await index.RecordAsync(Row($"bt-{i}", now.AddDays(-100 + i), pinned: i == 0, starred: i == 1), ct));
        }

        Assert.False(await index.RecordAsync(Row("bt-5", now) with { Label = "second write" }, ct));
        Assert.Equal("momentum", (await index.GetAsync("bt-5", ct))!.Label);
        Assert.Equal(now.AddDays(-91), (await index.GetAsync("bt-9", ct))!.CreatedAt);
        Assert.True(await index.SetFlagsAsync("bt-2", pinned: null, starred: true, ct));
        Assert.False(await index.SetFlagsAsync("bt-404", pinned: true, starred: null, ct));

        var removedSeries = new List<string>();
        var outcome = await ResultRetention.ApplyAsync(index, keepLatest: 3, maxAge: TimeSpan.FromDays(30), now, removedSeries.Add, ct);
        // Newest first: bt-9, 8, 7 are the latest three; bt-0 pinned, bt-1 and bt-2 starred; bt-3..bt-6 go.
        Assert.Equal(["bt-6", "bt-5", "bt-4", "bt-3"], outcome.Deleted);
        Assert.Equal(outcome.Deleted, removedSeries);
        Assert.Equal(3, outcome.KeptPinnedOrStarred);
        Assert.Equal(["bt-9", "bt-8", "bt-7", "bt-2", "bt-1", "bt-0"], (await index.ListAsync(100, ct)).Select(r => r.JobId));
    }
}
