using System.Security.Cryptography;
using Research.Data.Synthetic;
using Research.Testing;

namespace Research.Data.Tests.Synthetic;

public sealed class SyntheticMarketDeterminismTests
{
    private static readonly SyntheticMarketOptions Small = new() { Stocks = 150, Years = 2, Seed = 7, IntradaySymbols = 2, IntradayDays = 1 };

    [Fact]
    public async Task Two_runs_with_the_same_seed_write_byte_identical_files()
    {
        using var dir = TestEnvironment.CreateTempDirectory("synth-det");
        var first = await SyntheticMarketGenerator.GenerateAsync(Small, dir.Combine("a"), cancellationToken: TestContext.Current.CancellationToken);
        var second = await SyntheticMarketGenerator.GenerateAsync(Small, dir.Combine("b"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first.Files.Select(f => f.RelativePath), second.Files.Select(f => f.RelativePath));
        Assert.Contains(first.Files, f => f.Dataset == "taq/trades" && f.Rows > 0);
        foreach (var file in first.Files)
        {
            Assert.True(
                Hash(Path.Combine(first.OutputDirectory, file.RelativePath)) == Hash(Path.Combine(second.OutputDirectory, file.RelativePath)),
                $"{file.RelativePath} differs between two runs with seed {Small.Seed}");
        }

        // No temporary files are left behind.
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_different_seed_gives_a_different_market()
    {
        using var dir = TestEnvironment.CreateTempDirectory("synth-seed");
        var a = await SyntheticMarketGenerator.GenerateAsync(Small, dir.Combine("a"), cancellationToken: TestContext.Current.CancellationToken);
        var b = await SyntheticMarketGenerator.GenerateAsync(Small with { Seed = 8 }, dir.Combine("b"), cancellationToken: TestContext.Current.CancellationToken);
        const string daily = "crsp/daily/year=2024/part-0.parquet";
        Assert.NotEqual(Hash(Path.Combine(a.OutputDirectory, daily)), Hash(Path.Combine(b.OutputDirectory, daily)));
    }

    [Theory]
    [InlineData(5, 2, "Stocks")]
    [InlineData(100, 0, "Years")]
    public async Task Out_of_range_options_are_refused_naming_the_option(int stocks, int years, string name)
    {
        using var dir = TestEnvironment.CreateTempDirectory("synth-bad");
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            SyntheticMarketGenerator.GenerateAsync(new SyntheticMarketOptions { Stocks = stocks, Years = years }, dir.Path, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(name, e.ParamName);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
}
