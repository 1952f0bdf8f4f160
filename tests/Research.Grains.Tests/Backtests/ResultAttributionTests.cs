using Research.Analytics.Attribution;
using Research.Backtesting.Jobs;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>The result grain's factor attribution of a stored run: the library's numbers on the run's own returns and pinned factors.</summary>
public sealed class ResultAttributionTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public async Task A_stored_runs_attribution_is_the_librarys_on_its_returns_against_the_pinned_factors_and_a_missing_factor_file_is_named()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("attribution"), new BacktestJobOptions());
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var job = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec("momentum", From: new DateOnly(2022, 1, 3)), null, JobPriority.Normal, "alice"));
        var done = await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(job.JobId));
        Assert.True(done.State == JobState.Succeeded, done.Error);
        var results = cluster.Client.GetGrain<IBacktestResultGrain>(0);

        var view = await results.GetAttributionAsync(job.JobId, "carhart4", 3, 63);
        var track = await results.GetViewAsync(job.JobId);
        var versions = BacktestRunner.CurrentVersions(fixture.Layout);
        FactorReturns factors;
        using (var session = WarehouseQuerySession.OpenVersions(fixture.Layout, new Dictionary<string, string> { ["famafrench/factors_daily"] = versions["famafrench/factors_daily"] }, QueryLimits.Default, TimeProvider.System))
        {
            factors = FactorReturnsLoader.Load(session, AttributionModel.Carhart4);
        }

        var expected = ReturnAttribution.Run(track.Dates, track.Returns, factors, AttributionModel.Carhart4, 3);
        Assert.Equal(expected.Loadings.Select(l => (l.Name, l.Loading, l.NeweyWestError, l.NeweyWestT, l.Hc3Error, l.AnnualContribution)),
            view.Loadings.Select(l => (l.Name, l.Loading, l.NeweyWestError, l.NeweyWestT, l.Hc3Error, l.AnnualContribution)));
        Assert.Equal(["alpha", "mktrf", "smb", "hml", "umd"], view.Loadings.Select(l => l.Name));
        Assert.Equal((expected.RSquared, expected.ResidualVolatility, expected.Dates.Count, expected.Dates[0], expected.Dates[^1]), (view.RSquared, view.ResidualVolatility, view.Sessions, view.From, view.To));
        Assert.Equal(versions["famafrench/factors_daily"], view.FactorVersions["famafrench/factors_daily"]);

        var timing = ReturnAttribution.Timing(track.Dates, track.Returns, factors, AttributionModel.Carhart4, 3);
        Assert.Equal((timing.UpBeta, timing.DownBeta, timing.TreynorMazuyT, timing.UpDays), (view.Timing.UpBeta, view.Timing.DownBeta, view.Timing.TreynorMazuyT, view.Timing.UpDays));
        var rolling = ReturnAttribution.Rolling(track.Dates, track.Returns, factors, AttributionModel.Carhart4, 63);
        Assert.Equal(rolling.Select(w => w.End), view.RollingDates);
        Assert.Equal(rolling.Select(w => w.Loadings[4]), view.RollingLoadings[4]);

        // The fixture's warehouse has no five-factor file: the error names it and what to do.
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => results.GetAttributionAsync(job.JobId, "ff5", 5, 0));
        Assert.Contains("famafrench/factors5_daily is not in the warehouse", missing.Message, StringComparison.Ordinal);
        Assert.Contains("is not one of capm, ff3, carhart4, ff5, ff5-momentum", (await Assert.ThrowsAsync<ArgumentException>(() => results.GetAttributionAsync(job.JobId, "ff7", 5, 0))).Message, StringComparison.Ordinal);
        Assert.Empty((await results.GetAttributionAsync(job.JobId, "capm", 0, 0)).RollingDates);
    }
}
