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
    public void A_lock_from_another_host_is_stale_only_after_four_hours()
    {
        using var w = new TestWarehouse();
        WriteHolder(w, new SyncLockHolder(1, null, "other-host", w.Clock.GetUtcNow(), "crsp/daily", "sync", "remote"));
        w.Clock.Advance(TimeSpan.FromHours(3.9));
        Assert.Throws<SyncLockHeldException>(() => SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock));
        w.Clock.Advance(TimeSpan.FromHours(0.2));
        using var taken = SyncLock.Acquire(w.Layout, "crsp/daily", "test", w.Clock);
        Assert.Equal(taken.Holder.Token, SyncLock.ReadHolder(w.Layout)!.Token);
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
