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
}
