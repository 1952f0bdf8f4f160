using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Research.Data.Warehouse;

/// <summary>
/// The cross-process single-writer fence: every write path holds <c>&lt;DataRoot&gt;/sync_lock.json</c>.
/// 1. Acquire = write the holder (pid, process start time, host, time, dataset, owner, token) to a temp file,
///    fsync it, and hard-link it as <c>sync_lock.json</c> (fails if the name exists): exclusive, and never seen
///    half-written.
/// 2. If the file exists, read the holder. It is stale when older than <see cref="StaleAfter"/> or when its pid on
///    this host is gone (or is a different process that reused the pid). A live holder gets
///    <see cref="SyncLockHeldException"/> naming it.
/// 3. Recovery of a stale lock runs under a short recovery lock (<c>sync_lock.recovery</c>, itself exclusive), re-reads
///    the holder, moves the stale file aside and records the recovery in <c>.research/lock-recoveries.jsonl</c>;
///    then acquisition is retried. Two processes recovering at once cannot both win: only one holds the
///    recovery lock, and the other then sees the new live holder.
/// 4. Release deletes the file only if it still carries this acquisition's token.
/// </summary>
public sealed partial class SyncLock : IDisposable
{
    /// <summary>A lock older than this is stale whatever its holder.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(4);

    private static readonly TimeSpan RecoveryLockStaleAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CorruptAfter = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly string _path;
    private bool _released;

    private SyncLock(string path, SyncLockHolder holder)
    {
        _path = path;
        Holder = holder;
    }

    /// <summary>This acquisition.</summary>
    public SyncLockHolder Holder { get; }

    /// <summary>Path of the lock file under a warehouse root.</summary>
    public static string PathFor(WarehouseLayout layout) => Path.Combine(layout.Root, "sync_lock.json");

    /// <summary>The current holder, or null when the warehouse is not locked.</summary>
    public static SyncLockHolder? ReadHolder(WarehouseLayout layout) => TryRead(PathFor(layout));

    /// <summary>Takes the lock, recovering a stale one; throws <see cref="SyncLockHeldException"/> when held.</summary>
    public static SyncLock Acquire(WarehouseLayout layout, string dataset, string owner, TimeProvider clock, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        logger ??= NullLogger.Instance;
        Directory.CreateDirectory(layout.Root);
        var path = PathFor(layout);
        using var self = Process.GetCurrentProcess();
        var holder = new SyncLockHolder(Environment.ProcessId, self.StartTime.ToUniversalTime(), Environment.MachineName, clock.GetUtcNow(), dataset, owner, Guid.NewGuid().ToString("N"));
        for (var attempt = 0; attempt < 4; attempt++)
        {
            if (TryCreate(path, holder))
            {
                return new SyncLock(path, holder);
            }

            var current = TryRead(path);
            if (current is null)
            {
                // Released between our create and read, or left unreadable by a writer that died mid-write.
                if (File.Exists(path) && clock.GetUtcNow() - File.GetLastWriteTimeUtc(path) > CorruptAfter)
                {
                    Recover(layout, path, null, "lock file is unreadable (its writer died while writing it)", holder, clock, logger);
                }

                continue;
            }

            var staleReason = StaleReason(current, clock);
            if (staleReason is null)
            {
                throw new SyncLockHeldException(dataset, current);
            }

            Recover(layout, path, current, staleReason, holder, clock, logger);
        }

        var last = TryRead(path);
        throw last is null
            ? new IOException($"Cannot take the warehouse lock {path}: it keeps appearing and disappearing.")
            : new SyncLockHeldException(dataset, last);
    }

    /// <summary>Why a holder is stale, or null when it is live.</summary>
    public static string? StaleReason(SyncLockHolder holder, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var age = clock.GetUtcNow() - holder.StartedAt;
        if (age > StaleAfter)
        {
            return $"held for {age.TotalHours:F1} h (stale after {StaleAfter.TotalHours:F0} h)";
        }

        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            if (process.HasExited || IsZombie(holder.Pid))
            {
                return $"holder pid {holder.Pid} has exited";
            }

            if (IsThreadOfAnotherProcess(holder.Pid))
            {
                return $"pid {holder.Pid} is now a thread of another process";
            }

            // The same process reports the same start time to the tick; a reused pid almost never does.
            if (holder.ProcessStartedAt is { } started && Math.Abs((process.StartTime.ToUniversalTime() - started).TotalSeconds) > 0.1)
            {
                return $"pid {holder.Pid} now belongs to another process (started {process.StartTime.ToUniversalTime():O})";
            }

            return null;
        }
        catch (ArgumentException)
        {
            return $"holder pid {holder.Pid} is not running";
        }
        catch (InvalidOperationException)
        {
            return $"holder pid {holder.Pid} is not running";
        }
    }

    /// <summary>
    /// A killed process stays in the process table as a zombie until its parent reaps it, and still answers
    /// "alive" to a signal-0 probe; on Linux its state letter in <c>/proc/PID/stat</c> (Z or X) tells the truth.
    /// </summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Linux shares one id space between processes and threads, and <c>/proc/ID</c> exists for a thread id too: with
    /// busy machines (pid_max 32768, thousands of threads) the id of a killed holder is soon a thread somewhere else.
    /// A thread's <c>Tgid</c> (its process) differs from its own id.
    /// </summary>
    private static bool IsThreadOfAnotherProcess(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    return int.TryParse(line.AsSpan(5).Trim(), out var tgid) && tgid != pid;
                }
            }

            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Releases the lock if this acquisition still holds it.</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        if (TryRead(_path) is { } current && current.Token == Holder.Token)
        {
            File.Delete(_path);
        }
    }

    private static bool TryCreate(string path, SyncLockHolder holder)
    {
        // Write the holder to a private temp file first, then move it into place without overwriting: the lock
        // file appears complete or not at all, so a competitor never reads a half-written holder.
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".sync_lock.{holder.Token}.tmp");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, holder, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        try
        {
            if (!PublishExclusively(temp, path))
            {
                return false;
            }

            DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
            return true;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Makes <paramref name="temp"/> appear as <paramref name="path"/> unless <paramref name="path"/> exists, atomically.
    /// POSIX <c>link(2)</c> fails with EEXIST when the name is taken (a check-then-rename would let two writers win);
    /// on Windows a move without replace is atomic.
    /// </summary>
    private static bool PublishExclusively(string temp, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }

        if (Link(temp, path) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EExist
            ? false
            : throw new IOException($"Cannot create the warehouse lock {path}: link() failed with errno {errno}.");
    }

    private const int EExist = 17;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    private static void Recover(WarehouseLayout layout, string path, SyncLockHolder? stale, string reason, SyncLockHolder recoverer, TimeProvider clock, ILogger logger)
    {
        var recoveryPath = path + ".recovery";
        if (File.Exists(recoveryPath) && clock.GetUtcNow() - File.GetLastWriteTimeUtc(recoveryPath) > RecoveryLockStaleAfter)
        {
            File.Delete(recoveryPath);
        }

        FileStream recovery;
        try
        {
            recovery = new FileStream(recoveryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException) when (File.Exists(recoveryPath))
        {
            return; // someone else is recovering; the caller retries and sees their result
        }

        using (recovery)
        {
            try
            {
                // Re-check under the recovery lock: the file may have been replaced by a live holder meanwhile.
                var current = TryRead(path);
                if (stale is null ? current is not null || !File.Exists(path) : current is null || current.Token != stale.Token)
                {
                    return;
                }

                var aside = Path.Combine(layout.Root, ".research", $"sync_lock.stale-{stale?.Token ?? Guid.NewGuid().ToString("N")}.json");
                Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
                File.Move(path, aside, overwrite: true);
                var record = new { recoveredAt = clock.GetUtcNow(), reason, stale, recoveredBy = recoverer };
                File.AppendAllText(Path.Combine(layout.Root, ".research", "lock-recoveries.jsonl"), JsonSerializer.Serialize(record, JsonOptions) + "\n");
                logger.LogWarning("Recovered stale warehouse lock held by {Holder}: {Reason}", stale?.Describe() ?? "(unreadable)", reason);
            }
            finally
            {
                File.Delete(recoveryPath);
            }
        }
    }

    private static SyncLockHolder? TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return JsonSerializer.Deserialize<SyncLockHolder>(stream, JsonOptions);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
