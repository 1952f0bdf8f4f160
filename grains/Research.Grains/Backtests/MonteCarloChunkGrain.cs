using Research.Grains.Abstractions.Backtests;

namespace Research.Grains.Backtests;

/// <summary>Computes one Monte Carlo chunk where it is placed; the paths' streams depend only on (seed, path index).</summary>
public sealed class MonteCarloChunkGrain(ILocalSiloDetails silo) : Grain, IMonteCarloChunkGrain
{
    public async Task<MonteCarloChunkResult> RunAsync(MonteCarloChunkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = BacktestSpecs.ToRequest(request.Spec).Spec();
        var paths = await Task.Run(() => Research.Backtesting.MonteCarlo.MonteCarloSimulator.SimulateChunk(request.Returns, spec, request.First, request.Count, request.PeriodStarts)).ConfigureAwait(true);
        var result = new MonteCarloChunkResult(request.First, new double[paths.Length], new double[paths.Length], new double[paths.Length], new double[paths.Length], silo.SiloAddress.ToParsableString());
        for (var k = 0; k < paths.Length; k++)
        {
            result.Sharpe[k] = paths[k].Sharpe;
            result.Cagr[k] = paths[k].Cagr;
            result.MaxDrawdown[k] = paths[k].MaxDrawdown;
            result.TerminalWealth[k] = paths[k].TerminalWealth;
        }

        // Nothing to keep between calls: free the activation once this call is answered.
        DeactivateOnIdle();
        return result;
    }
}
