using Research.Data.Sync;
using Research.Data.Tests.Sync;
using Research.Testing;

namespace Research.Data.Tests.Warehouse;

public sealed class ReaderDuringSyncTests
{
    [Fact]
    public async Task A_reader_querying_throughout_a_sync_sees_the_old_version_until_the_swap_and_then_only_the_new_one()
    {
        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        await manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(permnos: 40), "tests");
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var oldRows = 40L * ScriptedSource.Sessions.Count;
        var sync = Task.Run(() => manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(permnos: 44), "tests"), TestContext.Current.CancellationToken);

        // Read as fast as possible while the sync runs, and once more after it has finished.
        var seen = new List<long>();
        await Eventually.UntilAsync(
            () =>
            {
                var done = sync.IsCompleted;
                using var session = w.Open();
                seen.Add((long)session.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]!);
                return Task.FromResult(done);
            },
            done => done,
            "the sync to finish while a reader reads",
            interval: TimeSpan.Zero,
            cancellationToken: TestContext.Current.CancellationToken);

        await sync;
        var newRows = 44L * ScriptedSource.Sessions.Count;
        Assert.All(seen, n => Assert.True(n == oldRows || n == newRows, $"a reader saw {n} rows: neither the old ({oldRows}) nor the new ({newRows}) version"));
        var firstNew = seen.IndexOf(newRows);
        Assert.True(firstNew >= 0);
        Assert.All(seen.Skip(firstNew), n => Assert.Equal(newRows, n));
    }
}
