using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Research.Data.Warehouse;

/// <summary>
/// Keeps a dataset's current version, its history and time travel in agreement after a writer died while publishing.
/// Publishing is four durable steps (<see cref="DatasetPublisher"/>): the manifest is written inside the staged
/// folder, the folder is renamed into <c>versions/</c>, <c>CURRENT</c> is replaced, the history entry is appended.
/// <c>CURRENT</c> is the one atomically replaced record that says what is published; everything else is derived
/// from it or repaired to match it:
/// 1. Killed before the rename: nothing under <c>versions/</c> changed; the staged chunks and their checkpoint are
///    still in staging and the next sync resumes from them.
/// 2. Killed after the rename, before <c>CURRENT</c>: a complete, checksummed version that never became current.
///    Readers list it as <see cref="Interrupted"/> (never current, never read). The next writer completes the
///    publish when the version was built on the current version and passed validation (its sync had finished
///    pulling and validating; only the pointer move was missing), and otherwise records it as abandoned, which
///    garbage collection then deletes.
/// 3. Killed after <c>CURRENT</c> moved, before the history entry: readers derive the missing entry (the pointer's
///    own write time is when the version became current), so <c>--as-of now</c> reads what <c>query</c> reads;
///    the next writer appends the entry.
/// Every repair is appended to the history as a <c>repair</c> entry and logged as a warning. Repairs run only under
/// the warehouse write lock (<see cref="SyncLock"/>), so a live writer's half-finished publish is never "repaired".
/// </summary>
public static class DatasetRecovery
{
    /// <summary>Status shown for a version whose publish stopped before it became current.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>Status shown for an interrupted version the next writer did not complete (garbage collection deletes it).</summary>
    public const string Abandoned = "abandoned";

    /// <summary>What the files on disk say about a dataset's published state, without changing anything.</summary>
    public static DatasetPublishState Inspect(WarehouseLayout layout, string dataset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var recorded = DatasetHistory.Read(layout, dataset);
        var current = WarehouseCatalog.ReadCurrentVersionId(layout, dataset);
        var lastMove = recorded.LastOrDefault(IsPointerMove);
        DatasetHistoryEntry? unrecorded = null;
        if (current is not null && lastMove?.VersionId != current)
        {
            var at = new DateTimeOffset(File.GetLastWriteTimeUtc(layout.CurrentFile(dataset)), TimeSpan.Zero);
            if (lastMove is not null && at < lastMove.At)
            {
                at = lastMove.At;
            }

            var action = recorded.Any(e => e.Action == "publish" && e.VersionId == current) ? "rollback" : "publish";
            unrecorded = new DatasetHistoryEntry(at, action, current, "unknown (history entry not written)", lastMove?.VersionId);
        }

        var mentioned = recorded.Select(e => e.VersionId).Append(current).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var newestMentioned = mentioned.Max(StringComparer.Ordinal);
        var interrupted = new List<string>();
        var abandoned = recorded.Where(e => e.Action == "abandon").Select(e => e.VersionId).ToHashSet(StringComparer.Ordinal);
        var versionsFolder = Path.Combine(layout.DatasetFolder(dataset), "versions");
        var leftovers = new List<string>();
        if (Directory.Exists(versionsFolder))
        {
            foreach (var id in Directory.EnumerateDirectories(versionsFolder).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal))
            {
                if (!File.Exists(layout.ManifestFile(dataset, id)))
                {
                    leftovers.Add(id);
                }
                else if (!mentioned.Contains(id) && (newestMentioned is null || string.CompareOrdinal(id, newestMentioned) > 0))
                {
                    interrupted.Add(id);
                }
            }
        }

        var history = unrecorded is null ? recorded : [.. recorded, unrecorded];
        return new DatasetPublishState(dataset, current, history, unrecorded, interrupted, abandoned, leftovers);
    }

    /// <summary>
    /// Repairs what a dead writer left (see the type's summary) and returns one line per repair. The caller must hold
    /// the warehouse write lock.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RepairAsync(WarehouseLayout layout, string dataset, TimeProvider clock, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(clock);
        logger ??= NullLogger.Instance;
        if (!Directory.Exists(layout.DatasetFolder(dataset)))
        {
            return [];
        }

        var state = Inspect(layout, dataset);
        var repairs = new List<string>();
        void Record(string versionId, string what)
        {
            repairs.Add(what);
            DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "repair", versionId, "recovery", what));
            logger.LogWarning("{Dataset}: {Repair}", dataset, what);
        }

        if (state.UnrecordedMove is { } move)
        {
            DatasetHistory.Append(layout, dataset, move with { By = "recovery" });
            Record(move.VersionId, $"CURRENT moved to {move.VersionId} at {move.At:O} but its history entry was never written (the writer stopped); recorded it");
        }

        var catalog = new WarehouseCatalog(layout);
        var current = state.CurrentVersion;
        foreach (var id in state.Interrupted)
        {
            var manifest = catalog.ReadVersion(dataset, id);
            if (manifest.Status == DatasetManifest.Quarantined)
            {
                DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "quarantine", id, manifest.PublishedBy, "validation failed (recorded on recovery)"));
                Record(id, $"quarantined version {id} had no history entry (the writer stopped); recorded it");
            }
            else if (manifest.ParentVersion == current)
            {
                await DurableFile.WriteAsync(layout.CurrentFile(dataset), id + "\n", cancellationToken).ConfigureAwait(false);
                DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "publish", id, manifest.PublishedBy, current));
                Record(id, $"version {id} was complete and validated but the writer stopped before making it current; made it current (built on {current ?? "nothing"})");
                current = id;
            }
            else
            {
                DatasetHistory.Append(layout, dataset, new DatasetHistoryEntry(clock.GetUtcNow(), "abandon", id, "recovery", $"built on {manifest.ParentVersion ?? "nothing"}, but the current version is {current}"));
                Record(id, $"version {id} never became current and was built on {manifest.ParentVersion ?? "nothing"}, not on the current {current}; abandoned it (versions gc deletes it)");
            }
        }

        return repairs;
    }

    private static bool IsPointerMove(DatasetHistoryEntry e) => e.Action is "publish" or "rollback";
}

/// <summary>A dataset's published state as read from disk, with what a dead writer left unfinished.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="CurrentVersion">What <c>CURRENT</c> names (the truth for readers).</param>
/// <param name="History">The recorded history, plus the derived entry when <c>CURRENT</c> moved without one.</param>
/// <param name="UnrecordedMove">The derived entry, or null when the history is complete.</param>
/// <param name="Interrupted">Versions with a manifest that never became current and were never recorded.</param>
/// <param name="Abandoned">Versions recovery recorded as abandoned.</param>
/// <param name="Leftovers">Folders under <c>versions/</c> without a manifest (left by older releases' publishes).</param>
public sealed record DatasetPublishState(
    string Dataset,
    string? CurrentVersion,
    IReadOnlyList<DatasetHistoryEntry> History,
    DatasetHistoryEntry? UnrecordedMove,
    IReadOnlyList<string> Interrupted,
    IReadOnlySet<string> Abandoned,
    IReadOnlyList<string> Leftovers);
