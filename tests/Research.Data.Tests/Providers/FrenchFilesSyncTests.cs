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

    [Fact]
    public async Task Industry_portfolios_sync_in_long_format_with_value_and_equal_weighted_returns_in_decimals()
    {
        using var w = new TestWarehouse();
        var manager = new SyncManager(w.Layout, w.Clock);
        var october = new FrenchFilesSyncSource(Vintage("202510"));
        Assert.Contains("famafrench/industry10_monthly", october.Datasets);
        Assert.DoesNotContain("famafrench/industry30_monthly", october.Datasets); // the folder has no 30-industry file
        var ten = await manager.SyncAsync("famafrench/industry10_monthly", SyncMode.Full, october, "tests");
        Assert.True(ten.Published, ten.Validation.Summary());
        w.Clock.Advance(TimeSpan.FromSeconds(1));

        // 202412 names its monthly 10-industry file 10_Industry_Portfolios_Monthly.CSV; it also has the 49-industry file.
        var december = new FrenchFilesSyncSource(Vintage("202412"));
        var fortyNine = await manager.SyncAsync("famafrench/industry49_monthly", SyncMode.Full, december, "tests");
        Assert.True(fortyNine.Published, fortyNine.Validation.Summary());

        using var session = w.Open();
        var shape = session.Query("SELECT count(*), count(DISTINCT portfolio), min(date), max(date) FROM famafrench.industry10_monthly").Rows[0];
        Assert.Equal((11_920L, 10L, new DateOnly(1926, 7, 31), new DateOnly(2025, 10, 31)), ((long)shape[0]!, (long)shape[1]!, (DateOnly)shape[2]!, (DateOnly)shape[3]!));
        // "192607, 1.44, 13.90, ..." (value weighted) and "192607, 1.21, 3.98, ..." (equal weighted), percent in the file.
        var first = session.Query("SELECT portfolio, vw_ret, ew_ret FROM famafrench.industry10_monthly WHERE date = DATE '1926-07-31' AND portfolio IN ('NoDur', 'Durbl') ORDER BY portfolio").Rows;
        Assert.Equal(("Durbl", 0.1390, 0.0398), ((string)first[0][0]!, Math.Round((double)first[0][1]!, 12), Math.Round((double)first[0][2]!, 12)));
        Assert.Equal(("NoDur", 0.0144, 0.0121), ((string)first[1][0]!, Math.Round((double)first[1][1]!, 12), Math.Round((double)first[1][2]!, 12)));
        Assert.Equal(49L, session.Query("SELECT count(DISTINCT portfolio) FROM famafrench.industry49_monthly").Rows[0][0]);
        Assert.True((long)session.Query("SELECT count(*) FROM famafrench.industry49_monthly WHERE vw_ret IS NULL").Rows[0][0]! > 0, "empty early industries are NULL, not -99.99");
    }

    [Fact]
    public async Task A_corrupt_zip_is_refused_naming_it_and_CURRENT_stays()
    {
        using var w = new TestWarehouse();
        using var copy = TestEnvironment.CreateTempDirectory("ff-zip");
        foreach (var name in new[] { "F-F_Research_Data_5_Factors_2x3_daily_CSV.zip" })
        {
            File.Copy(Path.Combine(Vintage("202510"), name), Path.Combine(copy.Path, name));
        }

        var manager = new SyncManager(w.Layout, w.Clock);
        var good = await manager.SyncAsync("famafrench/factors5_daily", SyncMode.Full, new FrenchFilesSyncSource(copy.Path), "tests");
        w.Clock.Advance(TimeSpan.FromMinutes(1));

        var path = Path.Combine(copy.Path, "F-F_Research_Data_5_Factors_2x3_daily_CSV.zip");
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)], TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => manager.SyncAsync("famafrench/factors5_daily", SyncMode.Full, new FrenchFilesSyncSource(copy.Path), "tests"));
        Assert.Contains("F-F_Research_Data_5_Factors_2x3_daily_CSV.zip", e.Message, StringComparison.Ordinal);
        Assert.Equal(good.Manifest.VersionId, new WarehouseCatalog(w.Layout).ReadCurrent("famafrench/factors5_daily")!.VersionId);
        Assert.Null(SyncLock.ReadHolder(w.Layout));
    }
}
