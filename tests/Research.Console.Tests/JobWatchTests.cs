using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Research.Console.Backtests;
using Research.Console.Security;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>An open page is told every change of a job (state and progress) by the job grain, without asking; the end is final.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class JobWatchTests(ConsolePlatform platform)
{
    /// <summary>A caller as an API key presents it: no session to look up, only the scoped actions.</summary>
    private static ClaimsPrincipal Researcher(string name) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, name),
            new Claim(ConsoleClaims.RoleClaim, "researcher"),
            new Claim(ConsoleClaims.ApiKey, "watch-test"),
            new Claim(ConsoleClaims.Scope, ResearchActions.BacktestView),
            new Claim(ConsoleClaims.Scope, ResearchActions.BacktestSubmit),
            new Claim(ConsoleClaims.Scope, ResearchActions.BacktestCancel),
        ], "tests", ClaimTypes.Name, ConsoleClaims.RoleClaim));

    [Fact]
    public async Task A_watch_is_pushed_the_progress_of_a_running_job_and_its_end()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = platform.ConsoleServices.CreateAsyncScope();
        var backtests = scope.ServiceProvider.GetRequiredService<ConsoleBacktests>();
        var user = Researcher("wendy");

        var source = await backtests.SubmitAsync(user, new BacktestJobSpec("momentum", Quantile: 0.31), JobPriority.High);
        var finished = await Eventually.UntilAsync(() => backtests.StatusAsync(user, source.JobId), s => s.IsFinished, "the source backtest", cancellationToken: ct);
        Assert.True(finished.State == JobState.Succeeded, $"{finished.State}: {finished.Error}");

        // A long Monte Carlo: watched from its submission, so every state and progress tick is seen as it happens.
        var job = await backtests.SubmitMonteCarloAsync(user, new MonteCarloJobSpec(finished.JobId, 300_000, Length: 6300, Seed: 11), JobPriority.High);
        var seen = new ConcurrentQueue<BacktestJobStatus>();
        await using (var watch = await backtests.WatchAsync(user, job.JobId, seen.Enqueue))
        {
            await Eventually.UntilAsync(() => seen.Count(s => s.State == JobState.Running && s.Fraction > 0) >= 2, "two progress ticks pushed", cancellationToken: ct);
            await backtests.CancelAsync(user, job.JobId);
            await Eventually.UntilAsync(() => seen.Any(s => s.State == JobState.Cancelled), "the cancellation pushed", cancellationToken: ct);
        }

        // Pushes can arrive out of order; a finished status is final, so a stale progress tick never follows it.
        Assert.True(seen.Last().State == JobState.Cancelled, string.Join(" | ", seen.Select(s => $"{s.State} {s.Fraction:F3} {s.Stage}")));
    }

    /// <summary>
    /// While a job's silo is lost, renewing the subscription fails with the faults of a dead silo; the watch keeps
    /// renewing, so the first renewal that gets through subscribes the page to the job's new activation (which knows no
    /// observer until then). An ended session stops the renewals for good.
    /// </summary>
    [Fact]
    public async Task A_watch_keeps_renewing_through_a_lost_silo_until_a_renewal_gets_through_and_stops_when_the_session_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = platform.ConsoleServices.CreateAsyncScope();
        var backtests = scope.ServiceProvider.GetRequiredService<ConsoleBacktests>();
        var actions = scope.ServiceProvider.GetRequiredService<ConsoleActions>();
        var user = Researcher("xavier");
        var job = await backtests.SubmitAsync(user, new BacktestJobSpec("momentum", Quantile: 0.29), JobPriority.High);
        await Eventually.UntilAsync(() => backtests.StatusAsync(user, job.JobId), s => s.IsFinished, "the backtest", cancellationToken: ct);

        // Call 0 subscribes; renewals 1-3 meet a lost silo; 4 gets through; 5 finds the session ended.
        Exception?[] outcomes = [null, new SiloUnavailableException("silo S10.0.0.7:11111 is dead"), new TimeoutException("no answer"), new OrleansException("target silo is dead"), null, new ActionDeniedException("session ended")];
        var (calls, through) = (0, 0);
        async Task Checked(Func<Task> call)
        {
            if (outcomes[Math.Min(Interlocked.Increment(ref calls) - 1, outcomes.Length - 1)] is { } fault)
            {
                throw fault;
            }

            await actions.RunAsync(user, ResearchActions.BacktestView, job.JobId, call, new ActionOptions(Audit: false, Touch: false));
            Interlocked.Increment(ref through);
        }

        var pushes = new ConcurrentQueue<BacktestJobStatus>();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var watch = new JobWatch(platform.ConsoleServices.GetRequiredService<IClusterClient>(), job.JobId, Checked, pushes.Enqueue);
        await watch.StartAsync(clock);
        await Eventually.UntilAsync(() => pushes.Count == 1, "the subscription's push", cancellationToken: ct);

        for (var renewal = 1; renewal <= 3; renewal++)
        {
            clock.Advance(JobWatch.Renewal);
            Assert.Equal(renewal + 1, Volatile.Read(ref calls)); // the timer still runs after each fault
        }

        Assert.Equal(1, Volatile.Read(ref through));
        clock.Advance(JobWatch.Renewal);
        await Eventually.UntilAsync(() => Volatile.Read(ref through) == 2, "the renewal that gets through to subscribe again", cancellationToken: ct);

        clock.Advance(JobWatch.Renewal);
        Assert.Equal(6, Volatile.Read(ref calls));
        clock.Advance(JobWatch.Renewal * 5);
        Assert.Equal(6, Volatile.Read(ref calls)); // denied: no renewal after the session ended
    }
}
