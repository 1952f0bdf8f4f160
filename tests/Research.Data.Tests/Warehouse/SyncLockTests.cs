using System.Diagnostics;
using System.Text.Json;
using Research.Data.Warehouse;

namespace Research.Data.Tests.Warehouse;

public sealed class SyncLockTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public void A_held_lock_refuses_a_second_writer_naming_the_holder()
    {
        using var w = new TestWarehouse();
        using var first = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        var e = Assert.Throws<SyncLockHeldException>(() => SyncLock.Acquire(w.Layout, "compustat/annual", "test", w.Clock));
        Assert.Contains($"locked by pid {Environment.ProcessId} on host {Environment.MachineName} since 2025-01-06 12:00:00", e.Message, StringComparison.Ordinal);
        Assert.Contains("compustat/annual", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Release_frees_the_lock_for_the_next_writer()
    {
        using var w = new TestWarehouse();
        SyncLock.Acquire(w.Layout, "a", "test", w.Clock).Dispose();
        using var second = SyncLock.Acquire(w.Layout, "b", "test", w.Clock);
        Assert.Equal("b", SyncLock.ReadHolder(w.Layout)!.Dataset);
    }

    [Fact]
    public void A_lock_whose_holder_process_is_gone_is_recovered_and_recorded()
    {
        using var w = new TestWarehouse();
        using var dead = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        dead.WaitForExit();
        WriteHolder(w, new SyncLockHolder(dead.Id, null, Environment.MachineName, w.Clock.GetUtcNow(), "crsp/daily", "crashed sync", "dead"));

        using var taken = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        Assert.Equal(Environment.ProcessId, SyncLock.ReadHolder(w.Layout)!.Pid);
        var record = File.ReadAllLines(Path.Combine(w.Layout.Root, ".research", "lock-recoveries.jsonl")).Single();
        Assert.Contains($"holder pid {dead.Id}", record, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recoverer_killed_while_holding_the_recovery_lock_does_not_block_the_next_sync()
    {
        // Seen in the sync crash test: a sync killed in its first milliseconds, while recovering the lock of the sync
        // killed before it, left the recovery lock behind, and the next sync was refused for a minute.
        using var w = new TestWarehouse();
        using var dead = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        dead.WaitForExit();
        WriteHolder(w, new SyncLockHolder(dead.Id, null, Environment.MachineName, w.Clock.GetUtcNow(), "crsp/daily", "crashed sync", "dead"));
        var recovery = SyncLock.PathFor(w.Layout) + ".recovery";
        File.WriteAllText(recovery, JsonSerializer.Serialize(new SyncLockHolder(dead.Id, null, Environment.MachineName, w.Clock.GetUtcNow(), "crsp/daily", "killed recoverer", "dead-recoverer"), WebJson));

        using var taken = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        Assert.Equal(taken.Holder.Token, SyncLock.ReadHolder(w.Layout)!.Token);
        Assert.False(File.Exists(recovery));
        Assert.Empty(Directory.GetFiles(w.Layout.Root, "*.dead"));
    }

    [Fact]
    public void A_live_recoverer_keeps_its_recovery_lock_and_the_stale_lock_waits_for_it()
    {
        using var w = new TestWarehouse();
        using var dead = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        dead.WaitForExit();
        WriteHolder(w, new SyncLockHolder(dead.Id, null, Environment.MachineName, w.Clock.GetUtcNow(), "crsp/daily", "crashed sync", "dead"));
        var recovery = SyncLock.PathFor(w.Layout) + ".recovery";
        using var self = Process.GetCurrentProcess();
        var live = JsonSerializer.Serialize(new SyncLockHolder(Environment.ProcessId, self.StartTime.ToUniversalTime(), Environment.MachineName, w.Clock.GetUtcNow(), "crsp/daily", "live recoverer", "live"), WebJson);
        File.WriteAllText(recovery, live);

        var e = Assert.Throws<SyncLockHeldException>(() => SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock));
        Assert.Contains($"locked by pid {dead.Id}", e.Message, StringComparison.Ordinal);
        Assert.Equal(live, File.ReadAllText(recovery));
        Assert.Equal("dead", SyncLock.ReadHolder(w.Layout)!.Token);
    }

    [Fact]
    public void A_lock_from_another_host_without_a_renewed_lease_is_stale_after_the_lease()
    {
        using var w = new TestWarehouse();
        WriteHolder(w, new SyncLockHolder(1, null, "other-host", w.Clock.GetUtcNow(), "crsp/daily", "sync", "remote"));
        w.Clock.Advance(SyncLock.LeaseDuration - TimeSpan.FromSeconds(1));
        Assert.Throws<SyncLockHeldException>(() => SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock));
        w.Clock.Advance(TimeSpan.FromSeconds(2));
        using var taken = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        Assert.Equal(taken.Holder.Token, SyncLock.ReadHolder(w.Layout)!.Token);
        Assert.Contains("its lease was last renewed 61 s ago", taken.Recovered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_hosts_on_a_shared_folder_a_renewing_holder_keeps_the_lock_a_silent_one_loses_it_and_cannot_publish_after_waking()
    {
        using var w = new TestWarehouse();
        var v1 = await w.PublishPricesAsync("crsp/daily", 3, 1.0);
        var hostA = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(w.Clock.GetUtcNow());
        using var a = SyncLock.Acquire(w.Layout, "crsp/daily", "sync on host a", hostA, host: "host-a");

        // Ten minutes in which host a renews its lease (its clock runs with everyone's): host b is refused throughout.
        for (var step = 0; step < 120; step++)
        {
            hostA.Advance(TimeSpan.FromSeconds(5));
            w.Clock.Advance(TimeSpan.FromSeconds(5));
            if (step % 20 == 0)
            {
                var held = Assert.Throws<SyncLockHeldException>(() => SyncLock.Acquire(w.Layout, "crsp/daily", "sync on host b", w.Clock, host: "host-b"));
                Assert.Contains("on host host-a", held.Message, StringComparison.Ordinal);
            }
        }

        a.EnsureHeld();

        // Host a stops (killed, or paused): its clock no longer moves its timer. Within one lease host b takes over,
        // and the recovery is recorded with the reason.
        w.Clock.Advance(SyncLock.LeaseDuration / 2);
        Assert.Throws<SyncLockHeldException>(() => SyncLock.Acquire(w.Layout, "crsp/daily", "sync on host b", w.Clock, host: "host-b"));
        w.Clock.Advance(SyncLock.LeaseDuration / 2 + TimeSpan.FromSeconds(15));
        using var b = SyncLock.Acquire(w.Layout, "crsp/daily", "sync on host b", w.Clock, host: "host-b");
        Assert.Contains("on host host-a", b.Recovered, StringComparison.Ordinal);
        Assert.Contains("its lease was last renewed", b.Recovered, StringComparison.Ordinal);
        Assert.Contains("host-a", File.ReadAllText(Path.Combine(w.Layout.Root, ".research", "lock-recoveries.jsonl")), StringComparison.Ordinal);

        // Host a wakes up mid-publish: it is refused before anything moves, and CURRENT stays where host b left it.
        var lost = Assert.Throws<SyncLockLostException>(a.EnsureHeld);
        Assert.Contains("now held by", lost.Message, StringComparison.Ordinal);
        Assert.Contains("on host host-b", lost.Message, StringComparison.Ordinal);
        var staged = Path.Combine(w.Layout.StagingFolder, "late");
        Directory.CreateDirectory(staged);
        File.Copy(Path.Combine(w.Layout.DatasetFolder("crsp/daily"), v1.Files[0].Path), Path.Combine(staged, "part-0.parquet"));
        var request = new PublishRequest("crsp/daily", staged, new Dictionary<string, long> { ["part-0.parquet"] = 3 }, [], "late", "host a") { Fence = a };
        await Assert.ThrowsAsync<SyncLockLostException>(() => new DatasetPublisher(w.Layout, w.Clock).PublishAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal(v1.VersionId, w.Versions.Resolve("crsp/daily", VersionSelector.Current).VersionId);
        Assert.Single(w.Versions.List("crsp/daily"));
        Assert.True(Directory.Exists(staged), "the late writer's staged files stay in staging");

        // Host a's release leaves host b's lock alone; host b's renewals keep it.
        a.Dispose();
        w.Clock.Advance(SyncLock.LeaseDuration * 3);
        Assert.Equal(b.Holder.Token, SyncLock.ReadHolder(w.Layout)!.Token);
        b.EnsureHeld();
    }

    [Fact]
    public void A_lock_file_left_unreadable_by_a_dying_writer_is_recovered()
    {
        using var w = new TestWarehouse();
        Directory.CreateDirectory(w.Layout.Root);
        var path = SyncLock.PathFor(w.Layout);
        File.WriteAllText(path, "{\"pid\": 12");
        File.SetLastWriteTimeUtc(path, w.Clock.GetUtcNow().UtcDateTime.AddMinutes(-5));
        using var taken = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        Assert.Equal(taken.Holder.Token, SyncLock.ReadHolder(w.Layout)!.Token);
    }

    [Fact]
    public void Releasing_a_lock_that_was_taken_over_leaves_the_new_holder_alone()
    {
        using var w = new TestWarehouse();
        var old = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        File.Delete(SyncLock.PathFor(w.Layout));
        using var current = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        old.Dispose();
        Assert.Equal(current.Holder.Token, SyncLock.ReadHolder(w.Layout)!.Token);
    }

    private static void WriteHolder(TestWarehouse w, SyncLockHolder holder)
    {
        Directory.CreateDirectory(w.Layout.Root);
        File.WriteAllText(SyncLock.PathFor(w.Layout), JsonSerializer.Serialize(holder, WebJson));
    }

    [Fact]
    public void A_holder_pid_that_is_now_a_thread_of_another_process_is_stale_and_our_own_live_holder_is_not()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Thread ids share the pid space only on Linux.");
        }

        var self = System.Diagnostics.Process.GetCurrentProcess();
        var started = self.StartTime.ToUniversalTime();
        var clock = TimeProvider.System;
        var live = new SyncLockHolder(Environment.ProcessId, started, Environment.MachineName, clock.GetUtcNow(), "crsp/daily", "tests", "t1");
        Assert.Null(SyncLock.StaleReason(live, clock));

        // Any thread of this test process other than the main one: /proc/TID exists and looks like a live process.
        var tid = Directory.EnumerateDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .First(t => t != Environment.ProcessId);
        var reused = live with { Pid = tid };
        Assert.Contains("thread of another process", SyncLock.StaleReason(reused, clock), StringComparison.Ordinal);
    }
}
