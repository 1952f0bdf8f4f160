using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

public sealed class VersioningTests
{
    [Fact]
    public async Task A_reader_keeps_its_pinned_version_while_a_new_one_is_published()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync("crsp/daily", 10, 1.0);
        using var reader = w.Open();
        Assert.Equal(10L, reader.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]);

        var v2 = await w.PublishPricesAsync("crsp/daily", 12, 2.0);
        Assert.Equal(10L, reader.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]);
        Assert.Equal(v1.VersionId, reader.Pinned["crsp/daily"].VersionId);

        using var next = w.Open();
        Assert.Equal(12L, next.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]);
        Assert.Equal(v2.VersionId, next.Pinned["crsp/daily"].VersionId);
        Assert.Equal(v1.VersionId, v2.ParentVersion);
    }

    [Fact]
    public async Task As_of_before_and_after_a_correction_returns_the_old_and_the_new_value_and_honours_rollback()
    {
        using var w = new TestWarehouse();
        await w.PublishPricesAsync("crsp/daily", 3, 10.0);
        var beforeCorrection = w.Clock.GetUtcNow();
        w.Clock.Advance(TimeSpan.FromSeconds(1));
        var corrected = await w.PublishPricesAsync("crsp/daily", 3, 10.5);
        var afterCorrection = w.Clock.GetUtcNow();

        double Price(VersionSelector s)
        {
            using var session = w.Open(s);
            return (double)session.Query("SELECT max(prc) FROM crsp.daily").Rows[0][0]!;
        }

        Assert.Equal(10.0, Price(VersionSelector.AsOfTime(beforeCorrection)));
        Assert.Equal(10.5, Price(VersionSelector.AsOfTime(afterCorrection)));
        Assert.Equal(10.5, Price(VersionSelector.Current));

        var first = w.Versions.List("crsp/daily")[0];
        w.Clock.Advance(TimeSpan.FromSeconds(1));
        await w.Versions.RollbackAsync("crsp/daily", first.VersionId, "tests");
        var afterRollback = w.Clock.GetUtcNow();
        w.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(10.0, Price(VersionSelector.Current));
        Assert.Equal(10.5, Price(VersionSelector.AsOfTime(afterCorrection)));
        Assert.Equal(10.0, Price(VersionSelector.AsOfTime(afterRollback)));
        Assert.Equal(10.5, Price(VersionSelector.Version(corrected.VersionId)));

        var e = Assert.Throws<VersionNotFoundException>(() => w.Versions.Resolve("crsp/daily", VersionSelector.AsOfTime(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))));
        Assert.Contains("crsp/daily", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_collection_keeps_current_tagged_and_pinned_versions()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync("crsp/daily", 1, 1);
        var v2 = await w.PublishPricesAsync("crsp/daily", 2, 2);
        var v3 = await w.PublishPricesAsync("crsp/daily", 3, 3);
        var v4 = await w.PublishPricesAsync("crsp/daily", 4, 4);
        await w.Versions.TagAsync("crsp/daily", "paper-2025", v1.VersionId, "tests");
        await new WarehousePins(w.Layout).PinAsync("backtest-42", new Dictionary<string, string> { ["crsp/daily"] = v3.VersionId });

        var plan = w.Versions.CollectGarbage("crsp/daily", dryRun: true, "tests");
        Assert.Equal([v2.VersionId], plan.Deleted);
        Assert.Equal(4, w.Versions.List("crsp/daily").Count);

        var done = w.Versions.CollectGarbage("crsp/daily", dryRun: false, "tests");
        Assert.Equal([v2.VersionId], done.Deleted);
        Assert.Equal([v1.VersionId, v3.VersionId, v4.VersionId], w.Versions.List("crsp/daily").Select(v => v.VersionId));
        Assert.False(Directory.Exists(w.Layout.VersionFolder("crsp/daily", v2.VersionId)));
        using var tagged = w.Open(VersionSelector.Tagged("paper-2025"));
        Assert.Equal(1L, tagged.Query("SELECT count(*) FROM crsp.daily").Rows[0][0]);
    }

    [Fact]
    public async Task Published_files_match_their_manifest_checksums()
    {
        using var w = new TestWarehouse();
        var v = await w.PublishPricesAsync("crsp/daily", 5, 1);
        foreach (var f in v.Files)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(w.Layout.DatasetFolder("crsp/daily"), f.Path), TestContext.Current.CancellationToken);
            Assert.Equal(f.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            Assert.Equal(f.Bytes, bytes.Length);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(w.Layout.StagingFolder));
    }
}
