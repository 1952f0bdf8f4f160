using Orleans.Concurrency;
using Research.Grains.Abstractions.Cluster;

namespace Research.Grains.Cluster;

/// <summary>Answers cluster snapshots from the management grain; stateless, any silo can serve it.</summary>
[StatelessWorker]
public sealed class ClusterOverviewGrain(TimeProvider clock) : Grain, IClusterOverviewGrain
{
    public async Task<ClusterOverview> GetAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var statistics = await management.GetSimpleGrainStatistics();
        var silos = hosts
            .Select(h => new SiloSummary(h.SiloAddress.ToParsableString(), h.SiloName, h.HostName, h.Status.ToString(), h.StartTime == default ? null : new DateTimeOffset(h.StartTime, TimeSpan.Zero)))
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ToList();
        var activations = statistics
            .Where(s => s.ActivationCount > 0)
            .Select(s => new GrainTypeActivations(ShortName(s.GrainType), s.SiloAddress.ToParsableString(), s.ActivationCount))
            .OrderBy(a => a.GrainType, StringComparer.Ordinal).ThenBy(a => a.Silo, StringComparer.Ordinal)
            .Take(500)
            .ToList();
        return new ClusterOverview(clock.GetUtcNow(), silos, activations);
    }

    private static string ShortName(string grainType)
    {
        var comma = grainType.IndexOf(',', StringComparison.Ordinal);
        var name = comma > 0 ? grainType[..comma] : grainType;
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }
}
