using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Research.Data.Quality;
using Research.Data.Warehouse;

namespace Research.Data.Sync;

/// <summary>
/// Syncs one dataset from a source into a new immutable version:
/// 1. Take the warehouse write lock (<see cref="SyncLock"/>); a live holder stops the sync with its name.
/// 2. Plan the chunks with the source (incremental: from the parent's watermark on), retrying transient errors.
/// 3. Resume: a checkpoint of an interrupted sync with the same source request keeps its staged chunks whose
///    checksums still match; anything else in staging is discarded.
/// 4. Pull each remaining chunk into staging (temp file, fsync, rename), at most one request per
///    <see cref="MinChunkInterval"/>, retrying transient source errors with exponential backoff and jitter, and
///    record it in the checkpoint (durable) before the next one.
/// 5. Validate the staged files against the dataset's contract and the parent version.
/// 6. Files identical to the parent's (same path, same checksum) are shared, not copied; chunks an
///    incremental sync did not pull are carried over from the parent, except those the plan retires.
/// 7. Publish (<see cref="DatasetPublisher"/>): write the manifest into staging, rename staging into the version, swap
///    CURRENT, append the history; the checkpoint is removed only after that. On a failed validation
///    the version is quarantined instead (kept, never current) and <see cref="DatasetValidationException"/> is thrown.
/// 8. Remove the checkpoint and staging, release the lock.
/// A crash before CURRENT moves leaves the previous version current; the next run recovers the stale lock, repairs what
/// the dead run left (<see cref="DatasetRecovery"/>) and resumes.
/// </summary>
public sealed class SyncManager(WarehouseLayout layout, TimeProvider clock, ILogger? logger = null)
{
    /// <summary>Rate limit: the least time between two chunk requests to the source (zero = none).</summary>
    public TimeSpan MinChunkInterval { get; init; } = TimeSpan.Zero;

    private const int MaxAttempts = 5;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Delay before retry n (1-based) of a transient source error: 0.5 s x 2^(n-1), plus up to 50% jitter.</summary>
    public static TimeSpan Backoff(int attempt, double jitter) => TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1) * (1 + (0.5 * jitter)));

    public async Task<SyncOutcome> SyncAsync(string dataset, SyncMode mode, ISyncSource source, string by, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        WarehouseLayout.ValidateName(dataset);
        using var writeLock = SyncLock.Acquire(layout, dataset, $"sync from {source.Name} by {by}", clock, _logger);
        await DatasetRecovery.RepairAsync(layout, dataset, clock, _logger, cancellationToken).ConfigureAwait(false);
        var parent = new WarehouseCatalog(layout).ReadCurrent(dataset);
        progress?.Report(new SyncProgress(dataset, "planning", 0));
        var jitter = new Random(dataset.GetHashCode(StringComparison.Ordinal));
        SyncPlan plan;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                plan = await source.PlanAsync(dataset, mode, mode == SyncMode.Incremental ? parent?.Watermark : null, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (TransientSourceException e) when (attempt < MaxAttempts)
            {
                var delay = Backoff(attempt, jitter.NextDouble());
                _logger.LogWarning("{Dataset} planning: {Error}; retry {Attempt} in {Delay}", dataset, e.Message, attempt, delay);
                await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            }
        }

        var staging = Path.Combine(layout.StagingFolder, "sync", dataset.Replace('/', '_'));
        var checkpointFile = Path.Combine(layout.StagingFolder, "sync", dataset.Replace('/', '_') + ".checkpoint.json");
        var completed = LoadCheckpoint(checkpointFile, staging, dataset, mode, plan.SourceQueryHash);
        var resumed = completed.Count;
        var pulled = 0;
        DateTimeOffset? lastRequest = null;
        async Task RateLimitAsync()
        {
            if (MinChunkInterval > TimeSpan.Zero && lastRequest is { } previous && clock.GetUtcNow() - previous < MinChunkInterval)
            {
                await Task.Delay(MinChunkInterval - (clock.GetUtcNow() - previous), clock, cancellationToken).ConfigureAwait(false);
            }

            lastRequest = clock.GetUtcNow();
        }

        string TargetOf(SyncChunk chunk) => Path.Combine(staging, chunk.RelativePath.Replace('/', Path.DirectorySeparatorChar));

        async Task CommitChunkAsync(SyncChunk chunk, long rows)
        {
            var target = TargetOf(chunk);
            File.Move(target + ".partial", target, overwrite: true);
            DurableFile.SyncDirectory(Path.GetDirectoryName(target)!);
            completed[chunk.Id] = new CompletedChunk(chunk.RelativePath, await DurableFile.Sha256Async(target, cancellationToken).ConfigureAwait(false), rows);
            await DurableFile.WriteAsync(checkpointFile, JsonSerializer.Serialize(new SyncCheckpoint(dataset, mode, plan.SourceQueryHash, completed), JsonOptions), cancellationToken).ConfigureAwait(false);
            pulled++;
            progress?.Report(new SyncProgress(dataset, $"pulled {chunk.Id}", 0.9 * completed.Count / Math.Max(1, plan.Chunks.Count)));
        }

        for (var attempt = 1; ; attempt++)
        {
            var remaining = plan.Chunks.Where(c => !completed.ContainsKey(c.Id)).ToList();
            var before = completed.Count;
            if (remaining.Count == 0)
            {
                break;
            }

            try
            {
                await RateLimitAsync().ConfigureAwait(false);
                if (source is IStreamingSyncSource streaming && remaining.Count > 1)
                {
                    // One request for every remaining chunk; each file is committed as the stream passes it.
                    await streaming.WriteChunksAsync(dataset, remaining, c => TargetOf(c) + ".partial", CommitChunkAsync, cancellationToken).ConfigureAwait(false);
                    var missing = plan.Chunks.Where(c => !completed.ContainsKey(c.Id)).Select(c => c.Id).ToList();
                    if (missing.Count > 0)
                    {
                        throw new InvalidDataException($"{dataset}: the source's stream ended without chunk(s) {string.Join(", ", missing)} that it planned.");
                    }
                }
                else
                {
                    var chunk = remaining[0];
                    var rows = await source.WriteChunkAsync(dataset, chunk, TargetOf(chunk) + ".partial", cancellationToken).ConfigureAwait(false);
                    await CommitChunkAsync(chunk, rows).ConfigureAwait(false);
                }

                attempt = 0;
            }
            catch (TransientSourceException e) when (attempt < MaxAttempts || completed.Count > before)
            {
                if (completed.Count > before)
                {
                    attempt = 1; // progress was made: the retry budget starts again
                }

                var delay = Backoff(attempt, jitter.NextDouble());
                _logger.LogWarning("{Dataset} after {Done} of {Total} chunks: {Error}; retry {Attempt} in {Delay}", dataset, completed.Count, plan.Chunks.Count, e.Message, attempt, delay);
                await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            }
        }

        // Carry over what an incremental sync did not pull; share files that did not change.
        var parentFiles = parent?.Files ?? [];
        var carried = mode == SyncMode.Incremental
            ? parentFiles.Where(f => !plan.Chunks.Any(c => f.Path.EndsWith("/" + c.RelativePath, StringComparison.Ordinal))
                && !plan.Retired.Any(r => f.Path.EndsWith("/" + r, StringComparison.Ordinal))).ToList()
            : [];
        progress?.Report(new SyncProgress(dataset, "validating", 0.92));
        var stagedFiles = completed.Values.Select(c => Path.Combine(staging, c.RelativePath.Replace('/', Path.DirectorySeparatorChar))).ToList();
        var allFiles = stagedFiles.Concat(carried.Select(f => Path.Combine(layout.DatasetFolder(dataset), f.Path))).ToList();
        var expectedRows = plan.Chunks.Sum(c => c.ExpectedRows) + carried.Sum(f => f.Rows);
        var report = DatasetValidator.Validate(DatasetContracts.For(dataset), allFiles, expectedRows,
            parent is null ? null : parentFiles.Select(f => Path.Combine(layout.DatasetFolder(dataset), f.Path)).ToList());

        var shared = new List<ManifestFile>(carried);
        var fresh = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in completed.Values)
        {
            var same = parentFiles.FirstOrDefault(f => f.Sha256 == chunk.Sha256 && f.Path.EndsWith("/" + chunk.RelativePath, StringComparison.Ordinal));
            if (same is not null && report.Passed)
            {
                shared.Add(same);
                File.Delete(Path.Combine(staging, chunk.RelativePath.Replace('/', Path.DirectorySeparatorChar)));
            }
            else
            {
                fresh[chunk.RelativePath] = chunk.Rows;
            }
        }

        var request = new PublishRequest(dataset, staging, fresh, shared, plan.Description, by)
        {
            SourceQueryHash = plan.SourceQueryHash,
            Watermark = plan.Watermark ?? parent?.Watermark,
            Validation = report.Findings,
            Quarantine = !report.Passed,
            QuarantineReason = report.Passed ? null : report.Summary(),
            Fence = writeLock,
        };
        progress?.Report(new SyncProgress(dataset, report.Passed ? "publishing" : "quarantining", 0.96));
        var manifest = await new DatasetPublisher(layout, clock, _logger).PublishAsync(request, cancellationToken).ConfigureAwait(false);
        File.Delete(checkpointFile);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        progress?.Report(new SyncProgress(dataset, report.Passed ? "published" : "quarantined", 1));
        if (!report.Passed)
        {
            _logger.LogError("{Summary}", report.Summary());
            throw new DatasetValidationException(report, manifest.VersionId);
        }

        return new SyncOutcome(dataset, manifest, report, pulled, resumed, shared.Count) { LockRecovered = writeLock.Recovered };
    }

    private static Dictionary<string, CompletedChunk> LoadCheckpoint(string file, string staging, string dataset, SyncMode mode, string sourceHash)
    {
        if (File.Exists(file))
        {
            try
            {
                var checkpoint = JsonSerializer.Deserialize<SyncCheckpoint>(File.ReadAllText(file), JsonOptions);
                if (checkpoint is not null && checkpoint.Dataset == dataset && checkpoint.Mode == mode && checkpoint.SourceQueryHash == sourceHash)
                {
                    var kept = new Dictionary<string, CompletedChunk>(StringComparer.Ordinal);
                    foreach (var (id, chunk) in checkpoint.Completed)
                    {
                        var path = Path.Combine(staging, chunk.RelativePath.Replace('/', Path.DirectorySeparatorChar));
                        if (File.Exists(path) && Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) == chunk.Sha256)
                        {
                            kept[id] = chunk;
                        }
                    }

                    DeleteUnlisted(staging, kept.Values.Select(c => c.RelativePath));
                    return kept;
                }
            }
            catch (JsonException)
            {
                // a torn checkpoint: start over
            }
        }

        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        return new Dictionary<string, CompletedChunk>(StringComparer.Ordinal);
    }

    private static void DeleteUnlisted(string staging, IEnumerable<string> keep)
    {
        if (!Directory.Exists(staging))
        {
            return;
        }

        var keepSet = keep.Select(k => Path.Combine(staging, k.Replace('/', Path.DirectorySeparatorChar))).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Where(f => !keepSet.Contains(f)).ToList())
        {
            File.Delete(file);
        }
    }
}
