using System.Diagnostics;
using System.Text.RegularExpressions;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>Two real processes racing to sync the same warehouse: the lock file admits one writer at a time.</summary>
[Trait("Category", "Slow")]
public sealed partial class SyncRaceTests
{
    [Fact]
    public async Task Two_processes_racing_100_times_never_both_hold_the_lock_and_the_loser_names_the_holder()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("sync-race");
        Assert.Equal(0, (await RunAsync(dir.Path, ct)).Code); // generates the synthetic cache once

        var lost = 0;
        for (var round = 0; round < 100; round++)
        {
            var results = await Task.WhenAll(RunAsync(dir.Path, ct), RunAsync(dir.Path, ct));
            foreach (var r in results.Where(r => r.Code != 0))
            {
                lost++;
                Assert.Equal(1, r.Code);
                var match = LockedBy().Match(r.Error);
                Assert.True(match.Success, $"round {round}: unexpected failure: {r.Error}");
                var holder = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Contains(holder, results.Where(x => x.Code == 0).Select(x => x.Pid));
            }

            Assert.Contains(results, r => r.Code == 0);
        }

        // Never two holders: no lock was ever taken over, and every publish follows the previous one.
        var layout = new WarehouseLayout(dir.Path);
        Assert.False(File.Exists(Path.Combine(dir.Path, ".research", "lock-recoveries.jsonl")), "a lock was recovered: two writers overlapped or one died");
        var history = DatasetHistory.Read(layout, "ccm/links").Where(h => h.Action == "publish").ToList();
        Assert.Equal(201 - lost, history.Count);
        Assert.All(history.Skip(1).Zip(history), p => Assert.Equal(p.Second.VersionId, p.First.Detail));
        Assert.Null(SyncLock.ReadHolder(layout));
        TestContext.Current.TestOutputHelper?.WriteLine($"{lost} of 200 runs lost the race");
    }

    private static async Task<(int Code, int Pid, string Error)> RunAsync(string root, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "research.dll"), "sync", "--full-sync", "--dataset", "ccm/links", "--data-root", root })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["Research__Synthetic__Stocks"] = "50";
        info.Environment["Research__Synthetic__Years"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await output;
        return (process.ExitCode, process.Id, await error);
    }

    [GeneratedRegex(@"locked by pid (\d+) on host \S+ since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC")]
    private static partial Regex LockedBy();
}
