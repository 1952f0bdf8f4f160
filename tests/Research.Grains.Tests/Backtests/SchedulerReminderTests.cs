using Microsoft.Extensions.DependencyInjection;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;
using Research.Testing;

namespace Research.Grains.Tests.Backtests;

/// <summary>
/// The scheduler keeps a durable wake reminder while it has queued or running jobs (so the reminder service, not a
/// client, reactivates it after its silo dies) and removes it when it has none.
/// </summary>
public sealed class SchedulerReminderTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task A_submitted_job_registers_the_wake_reminder_and_an_idle_scheduler_removes_it()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("reminder"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var reminders = cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        async Task<string[]> Wake() => [.. (await reminders.ReadRows(scheduler.GetGrainId())).Reminders.Select(r => r.ReminderName)];
        Assert.Empty(await Wake());

        var job = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("momentum", From: new DateOnly(2024, 1, 2)), null, JobPriority.Normal, "alice"));
        Assert.Equal([BacktestSchedulerGrain.WakeReminder], await Wake());
        var reminder = (await reminders.ReadRows(scheduler.GetGrainId())).Reminders.Single();
        Assert.Equal(TimeSpan.FromMinutes(1), reminder.Period);

        Assert.Equal(JobState.Succeeded, (await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(job.JobId))).State);
        await Eventually.UntilAsync(Wake, names => names.Length == 0, "the idle scheduler to remove its wake reminder", cancellationToken: TestContext.Current.CancellationToken);
    }
}
