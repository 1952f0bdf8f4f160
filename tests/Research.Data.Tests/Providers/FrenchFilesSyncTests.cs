using Research.Data.Providers.FamaFrench;
using Research.Data.Sync;
using Research.Data.Tests.Warehouse;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Data.Tests.Providers;

public sealed class FrenchFilesSyncTests
{
    private static string Vintage(string name) => Path.Combine(TestEnvironment.RequireRealData(), "french", name);

    [Fact]
    public async Task The_2025_10_files_sync_into_validated_factor_datasets_in_decimals()
    {
        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        var source = new FrenchFilesSyncSource(Vintage("202510"));
        foreach (var dataset in source.Datasets)
        {
            var outcome = await manager.SyncAsync(dataset, SyncMode.Full, source, "tests");
            Assert.True(outcome.Published, outcome.Validation.Summary());
            w.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        using var session = w.Open();
        var daily = session.Query("SELECT count(*), min(date), max(date), count(umd) FROM famafrench.factors_daily").Rows[0];
        Assert.Equal(26_110L, daily[0]);
        Assert.Equal(new DateOnly(1926, 7, 1), daily[1]);
        Assert.Equal(new DateOnly(2025, 10, 31), daily[2]);
        Assert.True((long)daily[3]! > 26_000);
        var last = session.Query("SELECT mktrf, smb, hml, rf, umd FROM famafrench.factors_daily WHERE date = DATE '2025-10-31'").Rows[0];
        double[] expected = [0.0040, 0.0010, -0.0024, 0.0002, -0.0051]; // "20251031, 0.40, 0.10, -0.24, 0.02" and Mom -0.51 (percent)
        Assert.All(expected.Zip(last), p => Assert.Equal(p.First, (double)p.Second!, 12));
        var monthly = session.Query("SELECT mktrf FROM famafrench.factors_monthly WHERE date = DATE '2025-10-31'").Rows[0];
        Assert.Equal(0.0195, (double)monthly[0]!, 12);
    }

    [Fact]
    public async Task A_file_with_a_changed_header_is_refused_naming_it_and_CURRENT_stays()
    {
        using var w = new TestWarehouse();
        using var copy = TestEnvironment.CreateTempDirectory("ff-changed");
        foreach (var file in Directory.EnumerateFiles(Vintage("202510"), "*.csv"))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        var manager = new SyncManager(w.Layout, w.Clock);
        var good = await manager.SyncAsync("famafrench/factors_daily", SyncMode.Full, new FrenchFilesSyncSource(copy.Path), "tests");
        w.Clock.Advance(TimeSpan.FromMinutes(1));

        var path = Path.Combine(copy.Path, "F-F_Research_Data_Factors_daily.csv");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace(",Mkt-RF,SMB,HML,RF", ",Mkt-RF,SMB,HML,RF,XYZ", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => manager.SyncAsync("famafrench/factors_daily", SyncMode.Full, new FrenchFilesSyncSource(copy.Path), "tests"));
        Assert.Contains("F-F_Research_Data_Factors_daily.csv", e.Message, StringComparison.Ordinal);
        Assert.Equal(good.Manifest.VersionId, new WarehouseCatalog(w.Layout).ReadCurrent("famafrench/factors_daily")!.VersionId);
        Assert.Null(SyncLock.ReadHolder(w.Layout));
    }
}
