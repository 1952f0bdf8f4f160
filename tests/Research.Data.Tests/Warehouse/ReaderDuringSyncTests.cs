using Research.Data.Sync;
using Research.Data.Tests.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

public sealed class ReaderDuringSyncTests
{
    [Fact]
    public async Task A_reader_querying_throughout_a_sync_sees_the_old_version_until_the_swap_and_then_only_the_new_one()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 7, 1.0);
        var manager = new SyncManager(w.Layout, w.Clock);
        var sync = Task.Run(() => manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests"), TestContext.Current.CancellationToken);

        var seen = new List<long>();
        while (true)
        {
            var done = sync.IsCompleted;
            using (var session = w.Open())
            {
                seen.Add((long)session.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]!);
            }

            if (done)
            {
                break;
            }
        }

        await sync;
        var newRows = 40L * ScriptedSource.Sessions.Count;
        Assert.All(seen, n => Assert.True(n == 7 || n == newRows, $"a reader saw {n} rows: neither the old (7) nor the new ({newRows}) version"));
        var firstNew = seen.IndexOf(newRows);
        Assert.True(firstNew >= 0);
        Assert.All(seen.Skip(firstNew), n => Assert.Equal(newRows, n));
    }
}
