using Research.Backtesting.Jobs;
using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>Runs one walk-forward unit on this silo, with the job's plan from the silo's cache.</summary>
public sealed class WalkForwardShardGrain(BacktestServices services, ILocalSiloDetails silo) : Grain, IWalkForwardShardGrain
{
    public async Task<WalkForwardShardResult> RunAsync(WalkForwardShardRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = await Task.Run(() => PlanOf(request).RunUnit(request.Unit)).ConfigureAwait(true);
        var o = run.Outcome;
        DeactivateOnIdle();
        return new WalkForwardShardResult(request.Unit, o?.Chosen, o?.InSampleMetric ?? double.NaN, o?.OutOfSampleMetric ?? double.NaN, o?.InSampleAnnualReturn ?? double.NaN,
            o?.OutOfSampleAnnualReturn ?? double.NaN, o is null ? [] : [o.Window.TrainFrom, o.Window.TrainTo, o.Window.TestFrom, o.Window.TestTo], run.Dates, run.Returns, silo.SiloAddress.ToParsableString());
    }

    public async Task<int> CountUnitsAsync(WalkForwardShardRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var units = await Task.Run(() => PlanOf(request).Units).ConfigureAwait(true);
        DeactivateOnIdle();
        return units;
    }

    private WalkForwardPlan PlanOf(WalkForwardShardRequest request) =>
        services.Plan(request.JobId, () => WalkForwardPlan.Load(services.Layout, BacktestSpecs.ToRequest(request.Spec), request.DataVersions));
}
