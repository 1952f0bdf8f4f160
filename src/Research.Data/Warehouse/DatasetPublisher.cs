using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Research.Data.Warehouse;

/// <summary>
/// Publishes a new immutable version of a dataset:
/// 1. Move the staged files into <c>versions/&lt;id&gt;/</c> (same file system: a rename, no copy).
/// 2. Checksum every file and write <c>manifest.json</c> (temp file, fsync, rename).
/// 3. Atomically repoint <c>CURRENT</c> (temp file, fsync, rename, fsync the directory).
/// Readers that opened the previous version keep reading it: its files are never modified.
/// </summary>
public sealed class DatasetPublisher(WarehouseLayout layout, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Publishes the files under <paramref name="stagedFolder"/> (with their row counts) as a new version.</summary>
    public async Task<DatasetManifest> PublishAsync(
        string dataset,
        string stagedFolder,
        IReadOnlyDictionary<string, long> rowsByRelativePath,
        string source,
        string publishedBy,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowsByRelativePath);
        WarehouseLayout.ValidateName(dataset);
        var now = clock.GetUtcNow();
        var parent = WarehouseCatalog.ReadCurrentVersionId(layout, dataset);
        var versionId = "v" + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var versionFolder = layout.VersionFolder(dataset, versionId);
        if (Directory.Exists(versionFolder))
        {
            throw new IOException($"Dataset '{dataset}': version {versionId} already exists; two publishes in the same millisecond.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(versionFolder)!);
        Directory.Move(stagedFolder, versionFolder);

        var files = new List<ManifestFile>();
        foreach (var (relative, rows) in rowsByRelativePath.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(versionFolder, relative.Replace('/', Path.DirectorySeparatorChar));
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
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
            PublishedBy = publishedBy,
            Source = source,
            Files = files,
        };
        await DurableFile.WriteAsync(layout.ManifestFile(dataset, versionId), JsonSerializer.Serialize(manifest, JsonOptions) + "\n", cancellationToken).ConfigureAwait(false);
        await DurableFile.WriteAsync(layout.CurrentFile(dataset), versionId + "\n", cancellationToken).ConfigureAwait(false);
        DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(now, "publish", versionId, publishedBy, parent));
        return manifest;
    }
}
