using System.Text.Json;

namespace Research.Data.Warehouse;

/// <summary>
/// Versions of the datasets in a warehouse: list, resolve (version, tag, as-of), tag, rollback and garbage
/// collection. Changes to <c>CURRENT</c> and deletions take the warehouse write lock (<see cref="SyncLock"/>).
/// </summary>
public sealed class DatasetVersions(WarehouseLayout layout, TimeProvider clock)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Every version of a dataset, oldest first, with its status: published, quarantined, or (see
    /// <see cref="DatasetRecovery"/>) interrupted or abandoned when a writer stopped before it became current.
    /// </summary>
    public IReadOnlyList<DatasetManifest> List(string dataset)
    {
        var folder = Path.Combine(layout.DatasetFolder(dataset), "versions");
        if (!Directory.Exists(folder))
        {
            throw new DatasetNotFoundException(dataset, layout.Root);
        }

        var catalog = new WarehouseCatalog(layout);
        var state = DatasetRecovery.Inspect(layout, dataset);
        return Directory.EnumerateDirectories(folder)
            .Select(Path.GetFileName)
            .Where(id => File.Exists(layout.ManifestFile(dataset, id!)))
            .Order(StringComparer.Ordinal)
            .Select(id => catalog.ReadVersion(dataset, id!))
            .Select(m => state.Interrupted.Contains(m.VersionId) && m.Status == DatasetManifest.Published ? m with { Status = DatasetRecovery.Interrupted }
                : state.Abandoned.Contains(m.VersionId) ? m with { Status = DatasetRecovery.Abandoned }
                : m)
            .ToList();
    }

    /// <summary>The history of a dataset (pointer moves, tags, quarantines, repairs), oldest first, as readers see it.</summary>
    public IReadOnlyList<DatasetHistoryEntry> History(string dataset) => DatasetRecovery.Inspect(layout, dataset).History;

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

            // The current version is published by definition; any other may be one a dead writer left (read the history).
            if (id != WarehouseCatalog.ReadCurrentVersionId(layout, dataset) && DatasetRecovery.Inspect(layout, dataset).Interrupted.Contains(id))
            {
                throw new VersionNotFoundException($"Dataset '{dataset}' version '{id}' was never published: its writer stopped before it became current (the next write to the dataset completes or abandons it).");
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
            var moves = History(dataset).Where(e => e.Action is "publish" or "rollback").ToList();
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

        using var writeLock = SyncLock.Acquire(layout, dataset, $"tag by {by}", clock);
        await DatasetRecovery.RepairAsync(layout, dataset, clock, cancellationToken: cancellationToken).ConfigureAwait(false);
        RequirePublished(Resolve(dataset, VersionSelector.Version(versionId)));
        var tags = new Dictionary<string, string>(Tags(dataset), StringComparer.Ordinal) { [tag] = versionId };
        writeLock.EnsureHeld();
        await DurableFile.WriteAsync(TagsFile(dataset), JsonSerializer.Serialize(tags, JsonOptions), cancellationToken).ConfigureAwait(false);
        DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "tag", versionId, by, tag));
    }

    /// <summary>Re-points <c>CURRENT</c> at an earlier published version.</summary>
    public async Task<DatasetManifest> RollbackAsync(string dataset, string versionId, string by, CancellationToken cancellationToken = default)
    {
        using var writeLock = SyncLock.Acquire(layout, dataset, $"rollback by {by}", clock);
        await DatasetRecovery.RepairAsync(layout, dataset, clock, cancellationToken: cancellationToken).ConfigureAwait(false);
        var target = Resolve(dataset, VersionSelector.Version(versionId));
        RequirePublished(target);
        var previous = WarehouseCatalog.ReadCurrentVersionId(layout, dataset);
        writeLock.EnsureHeld();
        await DurableFile.WriteAsync(layout.CurrentFile(dataset), versionId + "\n", cancellationToken).ConfigureAwait(false);
        DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "rollback", versionId, by, previous));
        return target;
    }

    /// <summary>
    /// Deletes versions that are not current, not tagged and not pinned (<see cref="WarehousePins"/>), and the files
    /// no kept version references; then what dead writers left: folders under <c>versions/</c> without a manifest,
    /// and staging without a checkpoint (a sync's checkpointed chunks are kept until that sync publishes). Holding
    /// the warehouse write lock means no writer is alive, so nothing in progress is touched. Returns what was (or,
    /// with <paramref name="dryRun"/>, would be) deleted.
    /// </summary>
    public GarbageCollectionReport CollectGarbage(string dataset, bool dryRun, string by)
    {
        using var writeLock = dryRun ? null : SyncLock.Acquire(layout, dataset, $"gc by {by}", clock);
        if (!dryRun)
        {
            DatasetRecovery.RepairAsync(layout, dataset, clock).GetAwaiter().GetResult();
        }

        var state = DatasetRecovery.Inspect(layout, dataset);
        var versions = List(dataset);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        if (state.CurrentVersion is { } current)
        {
            keep.Add(current);
        }

        keep.UnionWith(Tags(dataset).Values);
        keep.UnionWith(new WarehousePins(layout).PinnedVersions(dataset));
        if (dryRun)
        {
            keep.UnionWith(state.Interrupted); // the next writer may still complete them
        }

        var delete = versions.Where(v => !keep.Contains(v.VersionId)).ToList();
        var referenced = versions.Where(v => keep.Contains(v.VersionId)).SelectMany(v => v.Files.Select(f => f.Path)).ToHashSet(StringComparer.Ordinal);
        var bytes = delete.SelectMany(v => v.Files).Where(f => !referenced.Contains(f.Path)).DistinctBy(f => f.Path).Sum(f => f.Bytes);
        var leftovers = state.Leftovers.Select(id => layout.VersionFolder(dataset, id)).Concat(OrphanedStaging(dataset)).ToList();
        bytes += leftovers.Sum(FolderBytes);
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

            foreach (var folder in leftovers)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return new GarbageCollectionReport(dataset, delete.Select(v => v.VersionId).ToList(), keep.Order(StringComparer.Ordinal).ToList(), bytes, dryRun)
        {
            Leftovers = leftovers.Select(f => Path.GetRelativePath(layout.Root, f).Replace(Path.DirectorySeparatorChar, '/')).ToList(),
        };
    }

    /// <summary>Staging of dead writers: this dataset's sync staging without a checkpoint, derived and publish scratch folders.</summary>
    private IEnumerable<string> OrphanedStaging(string dataset)
    {
        var staging = layout.StagingFolder;
        if (!Directory.Exists(staging))
        {
            yield break;
        }

        var sync = Path.Combine(staging, "sync", dataset.Replace('/', '_'));
        if (Directory.Exists(sync) && !File.Exists(sync + ".checkpoint.json"))
        {
            yield return sync;
        }

        foreach (var folder in Directory.EnumerateDirectories(staging).Where(d => Path.GetFileName(d) is { } n && (n.StartsWith("derived-", StringComparison.Ordinal) || n.StartsWith("publish-", StringComparison.Ordinal))))
        {
            yield return folder;
        }
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

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
public sealed record GarbageCollectionReport(string Dataset, IReadOnlyList<string> Deleted, IReadOnlyList<string> Kept, long BytesFreed, bool DryRun)
{
    /// <summary>Folders dead writers left (relative to the warehouse root): version folders without a manifest, orphaned staging.</summary>
    public IReadOnlyList<string> Leftovers { get; init; } = [];
}
