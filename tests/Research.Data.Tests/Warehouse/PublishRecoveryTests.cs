using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

/// <summary>
/// What a writer that died between publishing steps leaves, built on disk by hand, and how readers see it and the next
/// writer repairs it. The same states made by real SIGKILLs are in <c>Research.Cli.Tests.PublishCrashTests</c>.
/// </summary>
public sealed class PublishRecoveryTests
{
    private const string Dataset = "crsp/daily";

    [Fact]
    public async Task Current_moved_without_its_history_entry_reads_the_same_through_as_of_and_is_recorded_by_the_next_writer()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync(Dataset, 1, 1);
        var v2 = await w.PublishPricesAsync(Dataset, 2, 2);
        DropLastHistoryLine(w); // the writer died after CURRENT moved, before appending
        File.SetLastWriteTimeUtc(w.Layout.CurrentFile(Dataset), w.Clock.GetUtcNow().UtcDateTime.AddSeconds(-30));

        Assert.Equal(v2.VersionId, w.Versions.Resolve(Dataset, VersionSelector.Current).VersionId);
        Assert.Equal(v2.VersionId, w.Versions.Resolve(Dataset, VersionSelector.AsOfTime(w.Clock.GetUtcNow())).VersionId);
        var derived = w.Versions.History(Dataset)[^1];
        Assert.Equal(("publish", v2.VersionId, v1.VersionId), (derived.Action, derived.VersionId, derived.Detail));

        var v3 = await w.PublishPricesAsync(Dataset, 3, 3);
        var history = DatasetHistory.Read(w.Layout, Dataset);
        Assert.Equal(["publish", "publish", "repair", "publish"], history.Select(e => e.Action));
        Assert.Equal(v2.VersionId, history[1].VersionId);
        Assert.Equal(v1.VersionId, history[1].Detail);
        Assert.Equal(v2.VersionId, history[3].Detail); // the next publish names a parent that is recorded
        Assert.Equal(v3.ParentVersion, v2.VersionId);
        AssertMovesAgree(w);
    }

    [Fact]
    public async Task A_complete_version_that_never_became_current_is_listed_as_interrupted_then_completed_by_the_next_writer()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync(Dataset, 1, 1);
        var v2 = await w.PublishPricesAsync(Dataset, 2, 2);
        DropLastHistoryLine(w);
        await DurableFile.WriteAsync(w.Layout.CurrentFile(Dataset), v1.VersionId + "\n", TestContext.Current.CancellationToken);

        Assert.Equal(v1.VersionId, w.Versions.Resolve(Dataset, VersionSelector.Current).VersionId);
        Assert.Equal(v1.VersionId, w.Versions.Resolve(Dataset, VersionSelector.AsOfTime(w.Clock.GetUtcNow())).VersionId);
        Assert.Equal([DatasetManifest.Published, DatasetRecovery.Interrupted], w.Versions.List(Dataset).Select(v => v.Status));
        var refused = Assert.Throws<VersionNotFoundException>(() => w.Versions.Resolve(Dataset, VersionSelector.Version(v2.VersionId)));
        Assert.Contains("never published", refused.Message, StringComparison.Ordinal);
        Assert.Contains(v1.VersionId, w.Versions.CollectGarbage(Dataset, dryRun: true, "tests").Kept);
        Assert.Contains(v2.VersionId, w.Versions.CollectGarbage(Dataset, dryRun: true, "tests").Kept);

        var done = w.Versions.CollectGarbage(Dataset, dryRun: false, "tests"); // any writer repairs first
        Assert.Equal([v1.VersionId], done.Deleted);
        Assert.Equal(v2.VersionId, w.Versions.Resolve(Dataset, VersionSelector.Current).VersionId);
        var repair = DatasetHistory.Read(w.Layout, Dataset).Single(e => e.Action == "repair");
        Assert.Contains("made it current", repair.Detail, StringComparison.Ordinal);
        AssertMovesAgree(w);
    }

    [Fact]
    public async Task An_interrupted_version_built_on_another_parent_is_abandoned_and_collected()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync(Dataset, 1, 1);
        var v2 = await w.PublishPricesAsync(Dataset, 2, 2);
        var v3 = await w.PublishPricesAsync(Dataset, 3, 3);
        // v3 was built on v2, but the dead writer's CURRENT and history say v1 (v2 rolled back before v3 was published).
        var lines = File.ReadAllLines(DatasetHistory.PathFor(w.Layout, Dataset));
        File.WriteAllLines(DatasetHistory.PathFor(w.Layout, Dataset), [lines[0], lines[1], lines[1].Replace("\"publish\"", "\"rollback\"", StringComparison.Ordinal).Replace(v2.VersionId, v1.VersionId, StringComparison.Ordinal)]);
        await DurableFile.WriteAsync(w.Layout.CurrentFile(Dataset), v1.VersionId + "\n", TestContext.Current.CancellationToken);

        var done = w.Versions.CollectGarbage(Dataset, dryRun: false, "tests");
        Assert.Equal([v2.VersionId, v3.VersionId], done.Deleted);
        Assert.Equal(v1.VersionId, w.Versions.Resolve(Dataset, VersionSelector.Current).VersionId);
        var abandon = DatasetHistory.Read(w.Layout, Dataset).Single(e => e.Action == "abandon");
        Assert.Equal(v3.VersionId, abandon.VersionId);
        Assert.False(Directory.Exists(w.Layout.VersionFolder(Dataset, v3.VersionId)));
    }

    [Fact]
    public async Task Garbage_collection_removes_folders_without_a_manifest_and_orphaned_staging_but_keeps_a_checkpointed_sync()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync(Dataset, 1, 1);
        var manifestless = w.Layout.VersionFolder(Dataset, "v20250106T120500000Z");
        Directory.CreateDirectory(Path.Combine(manifestless, "year=2024"));
        await File.WriteAllBytesAsync(Path.Combine(manifestless, "year=2024", "part-0.parquet"), new byte[4096], TestContext.Current.CancellationToken);
        var derived = Path.Combine(w.Layout.StagingFolder, "derived-0123");
        Directory.CreateDirectory(derived);
        await File.WriteAllBytesAsync(Path.Combine(derived, "x.parquet"), new byte[1000], TestContext.Current.CancellationToken);
        var sync = Path.Combine(w.Layout.StagingFolder, "sync", "crsp_daily");
        Directory.CreateDirectory(sync);
        await File.WriteAllBytesAsync(Path.Combine(sync, "chunk.parquet"), new byte[500], TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(sync + ".checkpoint.json", "{}", TestContext.Current.CancellationToken);

        var plan = w.Versions.CollectGarbage(Dataset, dryRun: true, "tests");
        Assert.Equal(["crsp/daily/versions/v20250106T120500000Z", ".staging/derived-0123"], plan.Leftovers);
        Assert.Equal(5096, plan.BytesFreed);
        Assert.True(Directory.Exists(manifestless));

        var done = w.Versions.CollectGarbage(Dataset, dryRun: false, "tests");
        Assert.Equal(plan.Leftovers, done.Leftovers);
        Assert.False(Directory.Exists(manifestless));
        Assert.False(Directory.Exists(derived));
        Assert.True(File.Exists(Path.Combine(sync, "chunk.parquet")), "a sync's checkpointed chunks survive until it publishes");
        Assert.Equal([v1.VersionId], w.Versions.List(Dataset).Select(v => v.VersionId));

        File.Delete(sync + ".checkpoint.json");
        Assert.Equal([".staging/sync/crsp_daily"], w.Versions.CollectGarbage(Dataset, dryRun: false, "tests").Leftovers);
        Assert.False(Directory.Exists(sync));
    }

    /// <summary>Current, the last pointer move of the history and <c>--as-of now</c> name one version; every publish names the move before it.</summary>
    private static void AssertMovesAgree(TestWarehouse w)
    {
        var moves = DatasetHistory.Read(w.Layout, Dataset).Where(e => e.Action is "publish" or "rollback").ToList();
        var current = w.Versions.Resolve(Dataset, VersionSelector.Current).VersionId;
        Assert.Equal(current, moves[^1].VersionId);
        Assert.Equal(current, w.Versions.Resolve(Dataset, VersionSelector.AsOfTime(w.Clock.GetUtcNow().AddDays(1))).VersionId);
        for (var i = 1; i < moves.Count; i++)
        {
            Assert.Equal(moves[i - 1].VersionId, moves[i].Detail);
        }
    }

    private static void DropLastHistoryLine(TestWarehouse w)
    {
        var path = DatasetHistory.PathFor(w.Layout, Dataset);
        var lines = File.ReadAllLines(path);
        File.WriteAllLines(path, lines[..^1]);
    }
}
