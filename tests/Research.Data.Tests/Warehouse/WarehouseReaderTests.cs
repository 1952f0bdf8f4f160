using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

/// <summary>The warm reader: sessions reused per pinned version set, replaced when a version is published.</summary>
public sealed class WarehouseReaderTests
{
    private static double Price(WarehouseQuerySession session)
    {
        using var command = session.CreateTrustedCommand("SELECT max(prc) FROM crsp.prices");
        return Convert.ToDouble(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Leases_of_the_current_versions_reuse_one_session_until_a_publish_and_then_read_the_new_version()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync("crsp/prices", 10, 1.0);
        using var reader = new WarehouseReader(w.Layout, w.Clock);

        for (var i = 0; i < 5; i++)
        {
            using var lease = reader.Current(["crsp/prices"]);
            Assert.Equal(1.0, Price(lease.Session));
            Assert.Equal(v1.VersionId, lease.Session.Pinned["crsp/prices"].VersionId);
        }

        Assert.Equal(1, reader.Opened);

        // A lease taken before the publish keeps its version; every lease after it reads the new one.
        using var before = reader.Current(["crsp/prices"]);
        var v2 = await w.PublishPricesAsync("crsp/prices", 10, 2.0);
        using (var after = reader.Current(["crsp/prices"]))
        {
            Assert.Equal(2.0, Price(after.Session));
            Assert.Equal(v2.VersionId, after.Session.Pinned["crsp/prices"].VersionId);
        }

        Assert.Equal(1.0, Price(before.Session));
        before.Dispose(); // its version is superseded: closed, not kept
        using (var again = reader.Current(["crsp/prices"]))
        {
            Assert.Equal(v2.VersionId, again.Session.Pinned["crsp/prices"].VersionId);
        }

        Assert.Equal(2, reader.Opened);
    }

    [Fact]
    public async Task Concurrent_leases_get_sessions_of_their_own_and_recorded_versions_stay_pinned()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync("crsp/prices", 10, 1.0);
        await w.PublishPricesAsync("crsp/prices", 10, 3.0);
        using var reader = new WarehouseReader(w.Layout, w.Clock);

        using (var a = reader.Current(["crsp/prices"]))
        using (var b = reader.Current(["crsp/prices"]))
        {
            Assert.NotSame(a.Session, b.Session);
        }

        Assert.Equal(2, reader.Opened);
        for (var i = 0; i < 3; i++)
        {
            using var recorded = reader.Versions(new Dictionary<string, string> { ["crsp/prices"] = v1.VersionId });
            Assert.Equal(1.0, Price(recorded.Session));
        }

        Assert.Equal(3, reader.Opened);
        var lease = reader.Current(["crsp/prices"]);
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lease.Session);
        lease.Dispose(); // twice is harmless
    }

    [Fact]
    public void A_dataset_never_published_is_named_in_the_error()
    {
        using var w = new TestWarehouse();
        using var reader = new WarehouseReader(w.Layout, w.Clock);
        var error = Assert.Throws<DatasetNotFoundException>(() => reader.Current(["crsp/daily"]));
        Assert.Contains("crsp/daily", error.Message, StringComparison.Ordinal);
        Assert.Contains("sync it first", error.Message, StringComparison.Ordinal);
    }
}
