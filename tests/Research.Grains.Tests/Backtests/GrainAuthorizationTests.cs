using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;
using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>
/// The grain-side half of authorization: every action-marked grain method against every role (and a call without a
/// role), compared with the action table; a researcher's job is hers whatever name the request carries, and only an
/// operator cancels someone else's.
/// </summary>
public sealed class GrainAuthorizationTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    private static readonly BacktestJobSpec Spec = new("momentum", From: new DateOnly(2023, 6, 1));

    [Fact]
    public async Task Every_marked_grain_method_is_allowed_exactly_for_the_roles_of_its_action()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("authz"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var owned = await scheduler.SubmitAsync(new JobSubmission(Spec, null, JobPriority.Normal, "owner"));
        await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(owned.JobId));
        var job = cluster.Client.GetGrain<IBacktestJobGrain>(owned.JobId);

        // Calls chosen so that an allowed call succeeds without changing what the next one sees.
        var calls = new (string Action, Func<Task> Call)[]
        {
            (ResearchActions.BacktestView, () => scheduler.ListAsync(5)),
            (ResearchActions.BacktestView, () => job.GetStatusAsync()),
            (ResearchActions.BacktestView, () => job.GetResultAsync()),
            (ResearchActions.BacktestView, () => job.GetSubmissionAsync()),
            (ResearchActions.BacktestSubmit, () => scheduler.SubmitAsync(new JobSubmission(Spec, null, JobPriority.Normal, "owner"))),
            (ResearchActions.BacktestFlag, () => scheduler.SetFlagsAsync(owned.JobId, null, null)),
            (ResearchActions.BacktestPrune, () => scheduler.ApplyRetentionAsync(1000, 3650)),
        };
        var mismatches = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            var caller = new CallerIdentity("owner", role, "tests");
            foreach (var (action, call) in calls)
            {
                var expected = ResearchActions.Allows(role, action);
                bool allowed;
                try
                {
                    await caller.RunAsync(async () => { await call(); return 0; });
                    allowed = true;
                }
                catch (ActionDeniedException e)
                {
                    Assert.Contains(action, e.Message, StringComparison.Ordinal);
                    allowed = false;
                }

                if (allowed != expected)
                {
                    mismatches.Add($"{role} {action}: expected {(expected ? "allowed" : "refused")}, was {(allowed ? "allowed" : "refused")}");
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task A_researchers_job_is_hers_and_only_she_or_an_operator_may_cancel_it()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("owner"), new BacktestJobOptions { MaxJobsPerSilo = 1 });
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var alice = new CallerIdentity("alice", Role.Researcher, "tests");
        var bob = new CallerIdentity("bob", Role.Researcher, "tests");

        // A long Monte Carlo job holds the only slot, so alice's job is still queued when it is cancelled (a short
        // backtest could otherwise finish before the cancel arrives: seen once in CI as "done").
        var source = await scheduler.SubmitAsync(new JobSubmission(Spec, null, JobPriority.Normal, "erin"));
        await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(source.JobId));
        var blocker = await scheduler.SubmitAsync(new JobSubmission(null, new MonteCarloJobSpec(source.JobId, 300_000, MonteCarloMethod.Bootstrap, 20, 6300, Seed: 7), JobPriority.High, "erin"));
        Assert.Equal(JobState.Running, blocker.State);

        // Alice claims to submit as bob: the job is still alice's.
        var status = await alice.RunAsync(() => scheduler.SubmitAsync(new JobSubmission(Spec with { Quantile = 0.25 }, null, JobPriority.Low, "bob")));
        Assert.Equal("alice", status.RequestedBy);
        var job = cluster.Client.GetGrain<IBacktestJobGrain>(status.JobId);

        var denied = await Assert.ThrowsAsync<ActionDeniedException>(() => bob.RunAsync(() => job.CancelAsync("alice")));
        Assert.Contains(ResearchActions.BacktestCancelAny, denied.Message, StringComparison.Ordinal);
        Assert.Contains("bob", denied.Message, StringComparison.Ordinal);

        // The operator may; the stage names the operator, not the name the request carried.
        var cancelled = await new CallerIdentity("olga", Role.Operator, "tests").RunAsync(() => job.CancelAsync("olga"));
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal("cancelled by olga", cancelled.Stage);

        var blockerJob = cluster.Client.GetGrain<IBacktestJobGrain>(blocker.JobId);
        await blockerJob.CancelAsync("erin");
        await BacktestCluster.WaitAsync(blockerJob);
    }
}
