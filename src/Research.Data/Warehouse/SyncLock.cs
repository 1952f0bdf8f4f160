using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Research.Data.Warehouse;

/// <summary>
/// The cross-process single-writer fence: every write path holds <c>&lt;DataRoot&gt;/sync_lock.json</c>, as a lease.
/// 1. Acquire = write this acquisition's lease (<c>.research/leases/&lt;token&gt;</c>, the time it was last renewed), then
///    write the holder (pid, process start time, host, time, dataset, owner, token) to a temp file, fsync it, and
///    hard-link it as <c>sync_lock.json</c> (fails if the name exists): exclusive, and never seen half-written.
/// 2. The holder renews its lease every <see cref="LeaseDuration"/>/4 (a timer on the injected clock) while the lock
///    file still names its token.
/// 3. If the file exists, read the holder. It is stale when its lease was not renewed for <see cref="LeaseDuration"/>
///    (on any host: a dead or paused holder anywhere on a shared file system frees the warehouse within that bound), or,
///    on this host, when its pid is gone (or is a different process that reused the pid). A live holder gets
///    <see cref="SyncLockHeldException"/> naming it.
/// 4. Recovery of a stale lock runs under a short recovery lock (<c>sync_lock.json.recovery</c>, exclusive and naming its
///    holder like the lock, so a recoverer that died holding it is cleared the same way), re-reads
///    the holder, moves the stale file aside and records the recovery in <c>.research/lock-recoveries.jsonl</c> (and
///    <see cref="Recovered"/> tells the caller, who audits it); then acquisition is retried.
/// 5. Fencing: before each publishing step the writer calls <see cref="EnsureHeld"/>, which refuses when the lock file
///    names another token or this writer's own lease has lapsed, so a holder that was paused past its lease and woke
///    up cannot publish over the writer that took over.
/// 6. Release deletes the file only if it still carries this acquisition's token.
/// Hosts' clocks are assumed to agree to well within <see cref="LeaseDuration"/> (NTP).
/// </summary>
public sealed partial class SyncLock : IDisposable
{
    /// <summary>A holder whose lease was not renewed for this long is stale, on any host.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan RecoveryLockStaleAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CorruptAfter = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly string _path;
    private readonly string _lease;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private ITimer? _renewal;
    private DateTimeOffset _renewedAt;
    private bool _released;

    private SyncLock(string path, string lease, SyncLockHolder holder, TimeProvider clock, string? recovered)
    {
        _path = path;
        _lease = lease;
        Holder = holder;
        _clock = clock;
        _renewedAt = clock.GetUtcNow();
        Recovered = recovered;
        _renewal = clock.CreateTimer(_ => Renew(), null, LeaseDuration / 4, LeaseDuration / 4);
    }

    /// <summary>This acquisition.</summary>
    public SyncLockHolder Holder { get; }

    /// <summary>What this acquisition recovered ("the holder ... : reason"), or null; the caller records it in the audit log.</summary>
    public string? Recovered { get; }

    /// <summary>Where a holder's lease (the time it was last renewed) is kept.</summary>
    public static string LeasePath(WarehouseLayout layout, string token)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return Path.Combine(layout.Root, ".research", "leases", token);
    }

    /// <summary>When the holder with <paramref name="token"/> last renewed its lease, or null when it has no lease file.</summary>
    public static DateTimeOffset? LeaseRenewedAt(WarehouseLayout layout, string token)
    {
        try
        {
            return DateTimeOffset.Parse(File.ReadAllText(LeasePath(layout, token)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Refuses, before a publishing step, when this writer no longer holds the warehouse: the lock file names another
    /// holder (this one was paused or stalled past its lease and someone took over), or its own lease has lapsed.
    /// </summary>
    public void EnsureHeld()
    {
        var current = TryRead(_path);
        if (current?.Token != Holder.Token)
        {
            throw new SyncLockLostException(
                $"This writer ({Holder.Describe()}) lost the warehouse lock: {(current is null ? "it was released or recovered" : $"it is now held by {current.Describe()}")} (a lease not renewed for {LeaseDuration.TotalSeconds:F0} s expires). Nothing more is published; run it again.");
        }

        DateTimeOffset renewed;
        lock (_gate)
        {
            renewed = _renewedAt;
        }

        if (_clock.GetUtcNow() - renewed > LeaseDuration)
        {
            throw new SyncLockLostException(
                $"This writer's lease on the warehouse lock lapsed (last renewed {renewed:yyyy-MM-dd HH:mm:ss} UTC, more than {LeaseDuration.TotalSeconds:F0} s ago: the process was paused or stalled). Nothing more is published; run it again.");
        }
    }

    private void Renew()
    {
        try
        {
            lock (_gate)
            {
                if (_released || TryRead(_path)?.Token != Holder.Token)
                {
                    return; // released, or lost: EnsureHeld says so at the next step
                }

                var now = _clock.GetUtcNow();
                WriteLease(_lease, now);
                _renewedAt = now;
            }
        }
        catch (IOException)
        {
            // a renewal that failed is retried by the next tick; the lease lapses if they all fail
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void WriteLease(string path, DateTimeOffset at)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Path of the lock file under a warehouse root.</summary>
    public static string PathFor(WarehouseLayout layout) => Path.Combine(layout.Root, "sync_lock.json");

    /// <summary>The current holder, or null when the warehouse is not locked.</summary>
    public static SyncLockHolder? ReadHolder(WarehouseLayout layout) => TryRead(PathFor(layout));

    /// <summary>
    /// Takes the lock, recovering a stale one; throws <see cref="SyncLockHeldException"/> when held. <paramref name="host"/>
    /// names this machine (default <see cref="Environment.MachineName"/>; tests simulate other hosts with it).
    /// </summary>
    public static SyncLock Acquire(WarehouseLayout layout, string dataset, string owner, TimeProvider clock, ILogger? logger = null, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(clock);
        logger ??= NullLogger.Instance;
        Directory.CreateDirectory(layout.Root);
        var path = PathFor(layout);
        using var self = Process.GetCurrentProcess();
        var holder = new SyncLockHolder(Environment.ProcessId, self.StartTime.ToUniversalTime(), host ?? Environment.MachineName, clock.GetUtcNow(), dataset, owner, Guid.NewGuid().ToString("N"));
        var lease = LeasePath(layout, holder.Token);
        WriteLease(lease, clock.GetUtcNow());
        string? recovered = null;
        try
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                if (TryCreate(path, holder))
                {
                    return new SyncLock(path, lease, holder, clock, recovered);
                }

                var current = TryRead(path);
                if (current is null)
                {
                    // Released between our create and read, or left unreadable by a writer that died mid-write.
                    if (File.Exists(path) && clock.GetUtcNow() - File.GetLastWriteTimeUtc(path) > CorruptAfter)
                    {
                        recovered = Recover(layout, path, null, "lock file is unreadable (its writer died while writing it)", holder, clock, logger) ?? recovered;
                    }

                    continue;
                }

                var staleReason = StaleReason(layout, current, clock, host ?? Environment.MachineName);
                if (staleReason is null)
                {
                    throw new SyncLockHeldException(dataset, current);
                }

                recovered = Recover(layout, path, current, staleReason, holder, clock, logger) ?? recovered;
            }

            var last = TryRead(path);
            throw last is null
                ? new IOException($"Cannot take the warehouse lock {path}: it keeps appearing and disappearing.")
                : new SyncLockHeldException(dataset, last);
        }
        catch
        {
            File.Delete(lease);
            throw;
        }
    }

    /// <summary>Why a holder is stale, seen from this host, or null when it is live.</summary>
    public static string? StaleReason(WarehouseLayout layout, SyncLockHolder holder, TimeProvider clock, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(clock);
        var renewed = LeaseRenewedAt(layout, holder.Token) ?? holder.StartedAt;
        var silence = clock.GetUtcNow() - renewed;
        if (silence > LeaseDuration)
        {
            return $"its lease was last renewed {silence.TotalSeconds:F0} s ago, at {renewed:yyyy-MM-dd HH:mm:ss} UTC (a lease lapses after {LeaseDuration.TotalSeconds:F0} s)";
        }

        return string.Equals(holder.Host, host ?? Environment.MachineName, StringComparison.Ordinal) ? StaleReason(holder, clock) : null;
    }

    /// <summary>Why a holder on this host is stale judged by its process alone (gone, a zombie, a reused pid), or null.</summary>
    public static string? StaleReason(SyncLockHolder holder, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(clock);
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

        lock (_gate)
        {
            _released = true;
        }

        _renewal?.Dispose();
        _renewal = null;
        if (TryRead(_path) is { } current && current.Token == Holder.Token)
        {
            File.Delete(_path);
        }

        File.Delete(_lease);
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

    private static string? Recover(WarehouseLayout layout, string path, SyncLockHolder? stale, string reason, SyncLockHolder recoverer, TimeProvider clock, ILogger logger)
    {
        // The recovery lock names its holder like the lock itself (written whole, then linked into place), so a
        // recoverer killed while holding it (a sync killed in its first milliseconds) is seen dead at once on this
        // host, and anywhere after RecoveryLockStaleAfter; it used to block every sync for a minute.
        var recoveryPath = path + ".recovery";
        var recoveryHolder = recoverer with { Token = Guid.NewGuid().ToString("N") };
        if (!TryCreate(recoveryPath, recoveryHolder))
        {
            if (!ClearDeadRecoverer(recoveryPath, clock, logger) || !TryCreate(recoveryPath, recoveryHolder))
            {
                return null; // someone alive is recovering; the caller retries and sees their result
            }
        }

        try
        {
            // Re-check under the recovery lock: the file may have been replaced by a live holder meanwhile.
            var current = TryRead(path);
            if (stale is null ? current is not null || !File.Exists(path) : current is null || current.Token != stale.Token)
            {
                return null;
            }

            var aside = Path.Combine(layout.Root, ".research", $"sync_lock.stale-{stale?.Token ?? Guid.NewGuid().ToString("N")}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
            File.Move(path, aside, overwrite: true);
            var record = new { recoveredAt = clock.GetUtcNow(), reason, stale, recoveredBy = recoverer };
            File.AppendAllText(Path.Combine(layout.Root, ".research", "lock-recoveries.jsonl"), JsonSerializer.Serialize(record, JsonOptions) + "\n");
            logger.LogWarning("Recovered stale warehouse lock held by {Holder}: {Reason}", stale?.Describe() ?? "(unreadable)", reason);
            if (stale is not null)
            {
                File.Delete(LeasePath(layout, stale.Token));
            }

            return $"recovered the warehouse lock of {stale?.Describe() ?? "an unreadable holder"}: {reason}";
        }
        finally
        {
            if (TryRead(recoveryPath)?.Token == recoveryHolder.Token)
            {
                File.Delete(recoveryPath);
            }
        }
    }

    /// <summary>
    /// Removes a recovery lock whose holder is dead (on this host: its process is gone; anywhere: older than
    /// <see cref="RecoveryLockStaleAfter"/>; unreadable: older than <see cref="CorruptAfter"/>). True when it is gone.
    /// </summary>
    private static bool ClearDeadRecoverer(string recoveryPath, TimeProvider clock, ILogger logger)
    {
        var holder = TryRead(recoveryPath);
        var age = clock.GetUtcNow() - File.GetLastWriteTimeUtc(recoveryPath);
        if (holder is null && !File.Exists(recoveryPath))
        {
            return true;
        }

        var dead = holder is null
            ? age > CorruptAfter
            : age > RecoveryLockStaleAfter || (string.Equals(holder.Host, Environment.MachineName, StringComparison.Ordinal) && StaleReason(holder, clock) is not null);
        if (!dead)
        {
            return false;
        }

        // Move it aside under a unique name, then check that what moved is the dead one: a live recoverer that took
        // the name in between goes back where it was.
        var aside = recoveryPath + "." + Guid.NewGuid().ToString("N") + ".dead";
        try
        {
            File.Move(recoveryPath, aside);
        }
        catch (FileNotFoundException)
        {
            return true;
        }

        var moved = TryRead(aside);
        if (holder is not null && moved is not null && moved.Token != holder.Token)
        {
            PublishExclusively(aside, recoveryPath);
            File.Delete(aside);
            return false;
        }

        File.Delete(aside);
        logger.LogWarning("Removed the warehouse recovery lock of {Holder}, which died while recovering", holder?.Describe() ?? "an unreadable holder");
        return true;
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
