using System.Text.Json;

namespace Research.Data.Warehouse;

/// <summary>
/// Versions of the datasets in a warehouse: list, resolve (version, tag, as-of), tag, rollback and garbage
/// collection. Changes to <c>CURRENT</c> and deletions take the warehouse write lock (<see cref="SyncLock"/>).
/// </summary>
public sealed class DatasetVersions(WarehouseLayout layout, TimeProvider clock)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Every version of a dataset (published and quarantined), oldest first.</summary>
    public IReadOnlyList<DatasetManifest> List(string dataset)
    {
        var folder = Path.Combine(layout.DatasetFolder(dataset), "versions");
        if (!Directory.Exists(folder))
        {
            throw new DatasetNotFoundException(dataset, layout.Root);
        }

        var catalog = new WarehouseCatalog(layout);
        return Directory.EnumerateDirectories(folder)
            .Select(Path.GetFileName)
            .Where(id => File.Exists(layout.ManifestFile(dataset, id!)))
            .Order(StringComparer.Ordinal)
            .Select(id => catalog.ReadVersion(dataset, id!))
            .ToList();
    }

    /// <summary>The manifest a selector points at; throws naming the dataset and selector when there is none.</summary>
    public DatasetManifest Resolve(string dataset, VersionSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var catalog = new WarehouseCatalog(layout);
        string? id;
        if (selector.VersionId is not null)
        {
            id = selector.VersionId;
            if (!File.Exists(layout.ManifestFile(dataset, id)))
            {
                throw new VersionNotFoundException($"Dataset '{dataset}' has no version '{id}'. 'research versions list --dataset {dataset}' shows them.");
            }
        }
        else if (selector.Tag is not null)
        {
            if (!Tags(dataset).TryGetValue(selector.Tag, out id))
            {
                throw new VersionNotFoundException($"Dataset '{dataset}' has no tag '{selector.Tag}'.");
            }
        }
        else if (selector.AsOf is { } at)
        {
            var moves = DatasetHistory.Read(layout, dataset).Where(e => e.Action is "publish" or "rollback").ToList();
            id = moves.LastOrDefault(e => e.At <= at)?.VersionId
                ?? throw new VersionNotFoundException($"Dataset '{dataset}' had no current version at {at:O} (first published {(moves.Count > 0 ? moves[0].At.ToString("O") : "never")}).");
        }
        else
        {
            id = WarehouseCatalog.ReadCurrentVersionId(layout, dataset) ?? throw new DatasetNotFoundException(dataset, layout.Root);
        }

        return catalog.ReadVersion(dataset, id);
    }

    /// <summary>Tags of a dataset (tag -> version id).</summary>
    public IReadOnlyDictionary<string, string> Tags(string dataset)
    {
        var path = TagsFile(dataset);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path), JsonOptions) ?? []
            : new Dictionary<string, string>();
    }

    /// <summary>Points a tag at a published version (tags pin versions against garbage collection).</summary>
    public async Task TagAsync(string dataset, string tag, string versionId, string by, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\'))
        {
            throw new ArgumentException($"Invalid tag '{tag}': use letters, digits, '-', '_' or '.'.", nameof(tag));
        }

        var manifest = Resolve(dataset, VersionSelector.Version(versionId));
        RequirePublished(manifest);
        using var writeLock = SyncLock.Acquire(layout, dataset, $"tag by {by}", clock);
        var tags = new Dictionary<string, string>(Tags(dataset), StringComparer.Ordinal) { [tag] = versionId };
        await DurableFile.WriteAsync(TagsFile(dataset), JsonSerializer.Serialize(tags, JsonOptions), cancellationToken).ConfigureAwait(false);
        DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "tag", versionId, by, tag));
    }

    /// <summary>Re-points <c>CURRENT</c> at an earlier published version.</summary>
    public async Task<DatasetManifest> RollbackAsync(string dataset, string versionId, string by, CancellationToken cancellationToken = default)
    {
        var target = Resolve(dataset, VersionSelector.Version(versionId));
        RequirePublished(target);
        using var writeLock = SyncLock.Acquire(layout, dataset, $"rollback by {by}", clock);
        var previous = WarehouseCatalog.ReadCurrentVersionId(layout, dataset);
        await DurableFile.WriteAsync(layout.CurrentFile(dataset), versionId + "\n", cancellationToken).ConfigureAwait(false);
        DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "rollback", versionId, by, previous));
        return target;
    }

    /// <summary>
    /// Deletes versions that are not current, not tagged and not pinned (<see cref="WarehousePins"/>), and the files
    /// no kept version references. Returns what was (or, with <paramref name="dryRun"/>, would be) deleted.
    /// </summary>
    public GarbageCollectionReport CollectGarbage(string dataset, bool dryRun, string by)
    {
        using var writeLock = dryRun ? null : SyncLock.Acquire(layout, dataset, $"gc by {by}", clock);
        var versions = List(dataset);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        if (WarehouseCatalog.ReadCurrentVersionId(layout, dataset) is { } current)
        {
            keep.Add(current);
        }

        keep.UnionWith(Tags(dataset).Values);
        keep.UnionWith(new WarehousePins(layout).PinnedVersions(dataset));
        var delete = versions.Where(v => !keep.Contains(v.VersionId)).ToList();
        var referenced = versions.Where(v => keep.Contains(v.VersionId)).SelectMany(v => v.Files.Select(f => f.Path)).ToHashSet(StringComparer.Ordinal);
        var bytes = delete.SelectMany(v => v.Files).Where(f => !referenced.Contains(f.Path)).DistinctBy(f => f.Path).Sum(f => f.Bytes);
        if (!dryRun)
        {
            foreach (var version in delete)
            {
                var folder = layout.VersionFolder(dataset, version.VersionId);
                var shared = referenced.Any(p => p.StartsWith($"versions/{version.VersionId}/", StringComparison.Ordinal));
                if (shared)
                {
                    // Keep the files a kept version still reads; drop the manifest so the version itself is gone.
                    foreach (var file in version.Files.Where(f => f.Path.StartsWith($"versions/{version.VersionId}/", StringComparison.Ordinal) && !referenced.Contains(f.Path)))
                    {
                        File.Delete(Path.Combine(layout.DatasetFolder(dataset), file.Path));
                    }

                    File.Delete(layout.ManifestFile(dataset, version.VersionId));
                }
                else
                {
                    Directory.Delete(folder, recursive: true);
                }

                DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "gc", version.VersionId, by, null));
            }
        }

        return new GarbageCollectionReport(dataset, delete.Select(v => v.VersionId).ToList(), keep.Order(StringComparer.Ordinal).ToList(), bytes, dryRun);
    }

    private static void RequirePublished(DatasetManifest manifest)
    {
        if (manifest.Status != DatasetManifest.Published)
        {
            throw new InvalidOperationException($"Dataset '{manifest.Dataset}' version {manifest.VersionId} is {manifest.Status}; only published versions can be tagged or made current.");
        }
    }

    private string TagsFile(string dataset) => Path.Combine(layout.DatasetFolder(dataset), "tags.json");
}

/// <summary>Result of a garbage collection.</summary>
public sealed record GarbageCollectionReport(string Dataset, IReadOnlyList<string> Deleted, IReadOnlyList<string> Kept, long BytesFreed, bool DryRun);
