using Research.Backtesting.Results;
using Research.Backtesting.Signals;
using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>Evaluates one signal-sweep unit on this silo, with the job's panel from the silo's cache.</summary>
public sealed class SignalShardGrain(BacktestServices services, ILocalSiloDetails silo) : Grain, ISignalShardGrain
{
    public async Task<SignalShardResult> RunAsync(SignalShardRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var variants = await Task.Run(() =>
        {
            var plan = services.Plan(request.JobId, () => SignalSweepPlan.Load(services.Layout, BacktestSpecs.ToRequest(request.Spec), request.DataVersions));
            return plan.RunUnit(request.Unit);
        }).ConfigureAwait(true);
        DeactivateOnIdle();
        return new SignalShardResult(request.Unit, ResultDocuments.Serialize(variants), silo.SiloAddress.ToParsableString());
    }
}
