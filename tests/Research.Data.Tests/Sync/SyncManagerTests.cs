using Research.Data.Sync;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Data.Tests.Sync;

public sealed class SyncManagerTests
{
    [Theory]
    [InlineData("missing-column", "crsp/daily.ret [schema]")]
    [InlineData("changed-type", "crsp/daily.prc [type]")]
    [InlineData("fewer-rows", "crsp/daily [row-count]")]
    [InlineData("null-spike", "crsp/daily.ret [nulls]")]
    [InlineData("duplicate-keys", "crsp/daily.permno+date [key]")]
    [InlineData("missing-session", "crsp/daily.date [sessions]")]
    [InlineData("bad-price", "crsp/daily.prc [range]")]
    [InlineData("truncated", "crsp/daily [readable]")]
    [InlineData("cents", "crsp/daily.prc [distribution]")]
    public async Task A_faulty_sync_is_quarantined_naming_dataset_column_and_rule_and_CURRENT_does_not_move(string fault, string expected)
    {
        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        var good = await manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests");
        Assert.True(good.Published, good.Validation.Summary());
        w.Clock.Advance(TimeSpan.FromMinutes(1));

        var e = await Assert.ThrowsAsync<DatasetValidationException>(() => manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(fault), "tests"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(good.Manifest.VersionId, new WarehouseCatalog(w.Layout).ReadCurrent("crsp/daily")!.VersionId);
        var quarantined = w.Versions.Resolve("crsp/daily", VersionSelector.Version(e.QuarantinedVersion!));
        Assert.Equal(DatasetManifest.Quarantined, quarantined.Status);
        Assert.Contains(quarantined.Validation, f => !f.Passed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.Versions.RollbackAsync("crsp/daily", quarantined.VersionId, "tests"));
        Assert.Null(SyncLock.ReadHolder(w.Layout));
    }

    [Fact]
    public async Task A_sync_that_dies_mid_way_resumes_from_its_checkpoint_and_publishes_the_same_bytes()
    {
        using var reference = new TestWarehouse();
        var uninterrupted = await new SyncManager(reference.Layout, reference.Clock).SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests");

        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        await Assert.ThrowsAsync<InvalidOperationException>(() => manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource { CrashAtChunk = 3 }, "tests"));
        Assert.Null(new WarehouseCatalog(w.Layout).ReadCurrent("crsp/daily"));

        var resumedSource = new ScriptedSource();
        var outcome = await manager.SyncAsync("crsp/daily", SyncMode.Full, resumedSource, "tests");
        Assert.Equal(2, outcome.ChunksResumed);
        Assert.Equal(2, resumedSource.Calls);
        Assert.Equal(
            uninterrupted.Manifest.Files.Select(f => (Partition(f.Path), f.Sha256, f.Rows)),
            outcome.Manifest.Files.Select(f => (Partition(f.Path), f.Sha256, f.Rows)));
        Assert.False(Directory.Exists(Path.Combine(w.Layout.StagingFolder, "sync", "crsp_daily")));
    }

    [Fact]
    public async Task Transient_source_errors_are_retried_with_backoff()
    {
        using var w = new TestWarehouse();
        var source = new ScriptedSource { TransientFailures = 3 };
        var task = new SyncManager(w.Layout, w.Clock).SyncAsync("crsp/daily", SyncMode.Full, source, "tests");
        await AdvanceUntilDoneAsync(w, task);

        var outcome = await task;
        Assert.True(outcome.Published);
        Assert.Equal(4 + 3, source.Calls);
        Assert.Equal(TimeSpan.FromMilliseconds(500), SyncManager.Backoff(1, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(3000), SyncManager.Backoff(3, 1));
    }

    [Fact]
    public async Task An_unchanged_resync_shares_every_file_with_the_parent()
    {
        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        var first = await manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests");
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests");
        Assert.Equal(4, second.FilesShared);
        Assert.Equal(first.Manifest.Files, second.Manifest.Files);
        Assert.Equal(first.Manifest.VersionId, second.Manifest.ParentVersion);
    }

    [Fact]
    public async Task A_sync_refuses_to_start_while_another_writer_holds_the_lock()
    {
        using var w = new TestWarehouse();
        using var held = SyncLock.Acquire(w.Layout, "compustat/annual", "other sync", w.Clock);
        var e = await Assert.ThrowsAsync<SyncLockHeldException>(() => new SyncManager(w.Layout, w.Clock).SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests"));
        Assert.Contains($"locked by pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunk_requests_are_rate_limited()
    {
        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock) { MinChunkInterval = TimeSpan.FromSeconds(10) };
        var start = w.Clock.GetUtcNow();
        var task = manager.SyncAsync("crsp/daily", SyncMode.Full, new ScriptedSource(), "tests");
        await AdvanceUntilDoneAsync(w, task);

        await task;
        Assert.True(w.Clock.GetUtcNow() - start >= TimeSpan.FromSeconds(30), $"four chunks 10 s apart finished after {w.Clock.GetUtcNow() - start}");
    }

    [Fact]
    public async Task An_incremental_sync_pulls_from_the_watermark_and_carries_the_rest_over()
    {
        using var w = new TestWarehouse();
        var source = new SyntheticSyncSource(w.Layout, new Research.Data.Synthetic.SyntheticMarketOptions { Stocks = 30, Years = 3, Seed = 9, IntradaySymbols = 0 });
        var manager = new SyncManager(w.Layout, w.Clock);
        var full = await manager.SyncAsync("crsp/daily", SyncMode.Full, source, "tests");
        Assert.Equal("year=2024", full.Manifest.Watermark);
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        var incremental = await manager.SyncAsync("crsp/daily", SyncMode.Incremental, source, "tests");
        Assert.Equal(1, incremental.ChunksPulled);
        Assert.Equal(3, incremental.FilesShared);
        Assert.Equal(full.Manifest.Files, incremental.Manifest.Files);
    }

    private static string Partition(string path) => path[(path.IndexOf('/', "versions/".Length) + 1)..];

    /// <summary>Moves the fake clock a second at a time (letting the sync's timers fire) until <paramref name="task"/> ends.</summary>
    private static Task AdvanceUntilDoneAsync(TestWarehouse w, Task task) =>
        Eventually.UntilAsync(
            () =>
            {
                w.Clock.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(task.IsCompleted);
            },
            done => done,
            "the sync to finish on the fake clock",
            interval: TimeSpan.FromMilliseconds(1),
            cancellationToken: TestContext.Current.CancellationToken);
}
