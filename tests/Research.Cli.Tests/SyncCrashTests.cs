using System.Diagnostics;
using System.Security.Cryptography;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// Crash safety with real processes: <c>research sync</c> killed with SIGKILL at 20 random moments (up to 40 runs) never leaves a
/// partial version visible, and the run after the kills publishes the same bytes as an uninterrupted sync.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SyncCrashTests
{
    private const string Dataset = "crsp/daily";

    [Fact]
    public async Task Sync_killed_at_random_points_never_exposes_a_partial_version_and_then_resumes_to_the_same_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("sync-crash");
        var reference = dir.Combine("reference");
        var crashed = dir.Combine("crashed");

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await RunSyncAsync(reference, seed: 2, killAfter: null, ct));
        var uninterrupted = clock.Elapsed;
        var expected = Current(reference)!;

        Assert.Equal(0, await RunSyncAsync(crashed, seed: 1, killAfter: null, ct));
        var previous = Current(crashed)!;
        Assert.NotEqual(expected.Files.Select(f => f.Sha256), previous.Files.Select(f => f.Sha256));

        // Kill moments are uniform over the uninterrupted run's length; a run that resumes from checkpoints can finish
        // before its moment, so runs go on (at most 40) until 20 were killed, and at least 10 must have been.
        var random = new Random(20251123);
        var kills = 0;
        for (var i = 0; i < 40 && kills < 20; i++)
        {
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * uninterrupted.TotalMilliseconds);
            if (await RunSyncAsync(crashed, seed: 2, killAfter: delay, ct) is null)
            {
                kills++;
            }

            var current = Current(crashed)!;
            Assert.Equal(DatasetManifest.Published, current.Status);
            Assert.True(
                current.VersionId == previous.VersionId || Partitions(current).SequenceEqual(Partitions(expected)),
                $"after kill {i + 1} CURRENT is {current.VersionId}, neither the previous version nor a complete new one");
            VerifyChecksums(crashed, current);
        }

        Assert.True(kills >= 10, $"only {kills} of 40 runs were killed before finishing");
        Assert.Equal(0, await RunSyncAsync(crashed, seed: 2, killAfter: null, ct));
        var final = Current(crashed)!;
        Assert.Equal(Partitions(expected), Partitions(final));
        VerifyChecksums(crashed, final);
        Assert.Null(SyncLock.ReadHolder(new WarehouseLayout(crashed)));
    }

    private static DatasetManifest? Current(string root) => new WarehouseCatalog(new WarehouseLayout(root)).ReadCurrent(Dataset);

    private static List<(string, string, long)> Partitions(DatasetManifest m) =>
        m.Files.Select(f => (f.Path[(f.Path.IndexOf('/', "versions/".Length) + 1)..], f.Sha256, f.Rows)).ToList();

    private static void VerifyChecksums(string root, DatasetManifest manifest)
    {
        var folder = new WarehouseLayout(root).DatasetFolder(Dataset);
        foreach (var f in manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, f.Path));
            Assert.Equal(f.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    /// <summary>Runs one sync; returns its exit code, or null when it was killed before finishing.</summary>
    private static async Task<int?> RunSyncAsync(string root, int seed, TimeSpan? killAfter, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "research.dll"), "sync", "--full-sync", "--dataset", Dataset, "--data-root", root })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["Research__Synthetic__Stocks"] = "300";
        info.Environment["Research__Synthetic__Years"] = "4";
        info.Environment["Research__Synthetic__Seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        if (killAfter is { } delay)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(delay);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(); // SIGKILL
                await process.WaitForExitAsync(ct);
                return null;
            }
        }
        else
        {
            await process.WaitForExitAsync(ct);
        }

        if (process.ExitCode != 0)
        {
            Assert.Fail($"research sync exited {process.ExitCode}: {await error}{await output}");
        }

        return process.ExitCode;
    }
}
