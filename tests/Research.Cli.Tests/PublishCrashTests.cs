using System.Globalization;
using System.Text.Json;
using Research.Core.Diagnostics;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// <c>research sync</c> killed with SIGKILL at each step of publishing (<see cref="CrashPoint"/>): what readers see
/// right after the kill, and after the next sync and <c>versions gc</c>, current, history, <c>--as-of</c> and the disk
/// agree, and the final bytes are those of an uninterrupted sync.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PublishCrashTests
{
    private const string Dataset = "crsp/daily";

    [Theory]
    [InlineData("publish:manifest-written", false, null)]
    [InlineData("publish:folder-moved", false, "made it current")]
    [InlineData("publish:current-moved", true, "history entry was never written")]
    [InlineData("publish:history-written", true, null)]
    public async Task A_sync_killed_at_a_publishing_step_leaves_current_history_as_of_and_disk_in_agreement(string step, bool newIsCurrentAfterKill, string? repair)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("publish-crash");
        var reference = dir.Combine("reference");
        var root = dir.Combine("crashed");
        var layout = new WarehouseLayout(root);
        Assert.Equal(0, await SyncAsync(reference, seed: 2, crashAt: null, ct));
        var expected = Partitions(new WarehouseCatalog(new WarehouseLayout(reference)).ReadCurrent(Dataset)!);
        Assert.Equal(0, await SyncAsync(root, seed: 1, crashAt: null, ct));
        var first = new WarehouseCatalog(layout).ReadCurrent(Dataset)!;

        Assert.Equal(137, await SyncAsync(root, seed: 2, crashAt: step, ct)); // 128 + SIGKILL
        var afterKill = new WarehouseCatalog(layout).ReadCurrent(Dataset)!;
        Assert.Equal(newIsCurrentAfterKill, afterKill.VersionId != first.VersionId);
        Assert.Equal(newIsCurrentAfterKill ? expected : Partitions(first), Partitions(afterKill));
        await AssertAgreeAsync(root, afterKill.VersionId);
        var listed = await CliJsonAsync(root, "versions", "list", "--dataset", Dataset);
        var statuses = listed.RootElement.EnumerateArray().Select(v => v.GetProperty("status").GetString()).ToList();
        Assert.Equal(step == "publish:folder-moved" ? ["published", DatasetRecovery.Interrupted] : newIsCurrentAfterKill ? ["published", "published"] : ["published"], statuses);

        Assert.Equal(0, await SyncAsync(root, seed: 2, crashAt: null, ct));
        var final = new WarehouseCatalog(layout).ReadCurrent(Dataset)!;
        Assert.Equal(expected, Partitions(final));
        await AssertAgreeAsync(root, final.VersionId);
        var repairs = DatasetHistory.Read(layout, Dataset).Where(e => e.Action == "repair").Select(e => e.Detail!).ToList();
        if (repair is null)
        {
            Assert.Empty(repairs);
        }
        else
        {
            Assert.Contains(repairs, r => r.Contains(repair, StringComparison.Ordinal));
        }

        var (code, _, error) = await CliRunner.RunAsync("versions", "gc", "--dataset", Dataset, "--data-root", root);
        Assert.True(code == 0, error);
        // Disk use: exactly the current version's files (a later version shares unchanged files of an earlier one, in
        // that one's folder) and one manifest.
        var datasetFolder = layout.DatasetFolder(Dataset);
        var files = Directory.EnumerateFiles(Path.Combine(datasetFolder, "versions"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(datasetFolder, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(final.Files.Select(f => f.Path).Append($"versions/{final.VersionId}/manifest.json").Order(StringComparer.Ordinal), files);
        Assert.Equal(final.Bytes, final.Files.Sum(f => new FileInfo(Path.Combine(datasetFolder, f.Path)).Length));
        Assert.False(Directory.Exists(Path.Combine(layout.StagingFolder, "sync", "crsp_daily")), "staging of the finished sync is gone");
        Assert.False(File.Exists(Path.Combine(layout.StagingFolder, "sync", "crsp_daily.checkpoint.json")));
        Assert.Null(SyncLock.ReadHolder(layout));
    }

    /// <summary>CURRENT, the history's last pointer move (as <c>versions history</c> shows it) and a query <c>--as-of</c> now name one version.</summary>
    private static async Task AssertAgreeAsync(string root, string current)
    {
        var history = await CliJsonAsync(root, "versions", "history", "--dataset", Dataset);
        var moves = history.RootElement.EnumerateArray().Where(e => e.GetProperty("action").GetString() is "publish" or "rollback").ToList();
        Assert.Equal(current, moves[^1].GetProperty("versionId").GetString());
        for (var i = 1; i < moves.Count; i++)
        {
            Assert.Equal(moves[i - 1].GetProperty("versionId").GetString(), moves[i].GetProperty("detail").GetString());
        }

        var now = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture);
        var query = await CliJsonAsync(root, "query", "SELECT count(*) FROM crsp.daily", "--as-of", now);
        Assert.Equal(current, query.RootElement.GetProperty("versions").GetProperty(Dataset).GetString());
    }

    private static async Task<JsonDocument> CliJsonAsync(string root, params string[] args)
    {
        var (code, output, error) = await CliRunner.RunAsync([.. args, "--data-root", root, "--json"]);
        Assert.True(code == 0, $"research {string.Join(' ', args)}: {error}");
        return JsonDocument.Parse(output);
    }

    private static List<(string, string, long)> Partitions(DatasetManifest m) =>
        m.Files.Select(f => (f.Path[(f.Path.IndexOf('/', "versions/".Length) + 1)..], f.Sha256, f.Rows)).ToList();

    /// <summary>Runs one sync in its own process (with a crash point when given) and returns its exit code.</summary>
    private static async Task<int> SyncAsync(string root, int seed, string? crashAt, CancellationToken ct)
    {
        var environment = new Dictionary<string, string>
        {
            ["Research__Synthetic__Stocks"] = "60",
            ["Research__Synthetic__Years"] = "2",
            ["Research__Synthetic__Seed"] = seed.ToString(CultureInfo.InvariantCulture),
        };
        if (crashAt is not null)
        {
            environment[CrashPoint.Variable] = crashAt;
        }

        var (code, output, error) = await CliProcess.RunAsync(environment, ["sync", "--full-sync", "--dataset", Dataset, "--data-root", root], ct);
        if (code != 0 && crashAt is null)
        {
            Assert.Fail($"research sync exited {code}: {error}{output}");
        }

        return code;
    }
}
