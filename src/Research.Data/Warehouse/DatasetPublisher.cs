using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Research.Core.Diagnostics;

namespace Research.Data.Warehouse;

/// <summary>
/// Publishes a new immutable version of a dataset. The caller holds the warehouse write lock (<see cref="SyncLock"/>).
/// 0. Repair what a writer that died mid-publish left (<see cref="DatasetRecovery"/>), so the parent is right.
/// 1. Checksum every staged file and write <c>manifest.json</c> inside the staged folder (temp file, fsync, rename).
/// 2. Rename the staged folder to <c>versions/&lt;id&gt;/</c> and fsync <c>versions/</c>: the version appears with its
///    manifest in one step (same file system: a rename, no copy), never as a folder without one.
/// 3. Atomically repoint <c>CURRENT</c> (temp file, fsync, rename, fsync the directory). This is the commit.
/// 4. Append the history entry (time travel reads it).
/// Before steps 2 and 3 the writer's lock is checked (<see cref="PublishRequest.Fence"/>): a writer that lost it (paused
/// past its lease while another took over) publishes nothing.
/// A kill between any two steps is repaired by the next writer and read consistently before that; the crash tests
/// kill at each step (<see cref="Research.Core.Diagnostics.CrashPoint"/> names <c>publish:manifest-written</c>,
/// <c>publish:folder-moved</c>, <c>publish:current-moved</c>, <c>publish:history-written</c>).
/// Readers that opened the previous version keep reading it: its files are never modified.
/// </summary>
public sealed class DatasetPublisher(WarehouseLayout layout, TimeProvider clock, Microsoft.Extensions.Logging.ILogger? logger = null)
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Publishes the files under <paramref name="stagedFolder"/> (with their row counts) as a new current version.</summary>
    public Task<DatasetManifest> PublishAsync(
        string dataset,
        string stagedFolder,
        IReadOnlyDictionary<string, long> rowsByRelativePath,
        string source,
        string publishedBy,
        CancellationToken cancellationToken = default) =>
        PublishAsync(new PublishRequest(dataset, stagedFolder, rowsByRelativePath, [], source, publishedBy), cancellationToken);

    /// <summary>
    /// Publishes a version: staged files are moved in, files shared with earlier versions are referenced, the
    /// manifest is made durable, then <c>CURRENT</c> is swapped (or, for a quarantined version, left alone).
    /// </summary>
    public async Task<DatasetManifest> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dataset = WarehouseLayout.ValidateName(request.Dataset);
        await DatasetRecovery.RepairAsync(layout, dataset, clock, logger, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var parent = WarehouseCatalog.ReadCurrentVersionId(layout, dataset);
        var versionId = "v" + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var versionFolder = layout.VersionFolder(dataset, versionId);
        if (Directory.Exists(versionFolder))
        {
            throw new IOException($"Dataset '{dataset}': version {versionId} already exists; two publishes in the same millisecond.");
        }

        // A publish of shared files only still gets a folder of its own to carry the manifest.
        var staged = request.NewFiles.Count > 0 ? request.StagedFolder : Path.Combine(layout.StagingFolder, "publish-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staged);
        var files = new List<ManifestFile>(request.SharedFiles);
        foreach (var (relative, rows) in request.NewFiles.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(staged, relative.Replace('/', Path.DirectorySeparatorChar));
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            await using (stream.ConfigureAwait(false))
            {
                stream.Flush(flushToDisk: true);
                var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
                files.Add(new ManifestFile($"versions/{versionId}/{relative}", Convert.ToHexStringLower(hash), rows, stream.Length));
            }
        }

        var manifest = new DatasetManifest
        {
            Dataset = dataset,
            VersionId = versionId,
            ParentVersion = parent,
            PublishedAt = now,
            PublishedBy = request.PublishedBy,
            Source = request.Source,
            SourceQueryHash = request.SourceQueryHash,
            Watermark = request.Watermark,
            Validation = request.Validation ?? [],
            Status = request.Quarantine ? DatasetManifest.Quarantined : DatasetManifest.Published,
            Files = [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)],
        };
        await DurableFile.WriteAsync(Path.Combine(staged, WarehouseLayout.ManifestFileName), JsonSerializer.Serialize(manifest, JsonOptions) + "\n", cancellationToken).ConfigureAwait(false);
        CrashPoint.Reach("publish:manifest-written");

        request.Fence?.EnsureHeld();
        Directory.CreateDirectory(Path.GetDirectoryName(versionFolder)!);
        Directory.Move(staged, versionFolder);
        DurableFile.SyncDirectory(Path.GetDirectoryName(versionFolder)!);
        CrashPoint.Reach("publish:folder-moved");
        if (request.Quarantine)
        {
            DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "quarantine", versionId, request.PublishedBy, request.QuarantineReason));
            return manifest;
        }

        request.Fence?.EnsureHeld();
        await DurableFile.WriteAsync(layout.CurrentFile(dataset), versionId + "\n", cancellationToken).ConfigureAwait(false);
        CrashPoint.Reach("publish:current-moved");
        DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "publish", versionId, request.PublishedBy, parent));
        CrashPoint.Reach("publish:history-written");
        return manifest;
    }
}

/// <summary>What to publish.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="StagedFolder">Folder whose files become the version's new files (moved, not copied).</param>
/// <param name="NewFiles">New files relative to <paramref name="StagedFolder"/>, with row counts.</param>
/// <param name="SharedFiles">Files of earlier versions this version also reads (unchanged partitions).</param>
/// <param name="Source">Human-readable source.</param>
/// <param name="PublishedBy">Who publishes.</param>
public sealed record PublishRequest(
    string Dataset,
    string StagedFolder,
    IReadOnlyDictionary<string, long> NewFiles,
    IReadOnlyList<ManifestFile> SharedFiles,
    string Source,
    string PublishedBy)
{
    public string? SourceQueryHash { get; init; }

    public string? Watermark { get; init; }

    public IReadOnlyList<Research.Data.Quality.ValidationFinding>? Validation { get; init; }

    /// <summary>Keep the version for inspection but never make it current.</summary>
    public bool Quarantine { get; init; }

    public string? QuarantineReason { get; init; }

    /// <summary>The writer's lock: checked before the version folder moves in and before CURRENT moves (<see cref="SyncLock.EnsureHeld"/>).</summary>
    public SyncLock? Fence { get; init; }
}
