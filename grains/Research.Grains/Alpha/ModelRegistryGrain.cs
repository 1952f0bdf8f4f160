using Orleans.Concurrency;
using Research.Backtesting.Strategies;
using Research.Data.Registry;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Alpha;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Alpha;

namespace Research.Grains.Alpha;

/// <summary>
/// The model registry under the silo's data root, for the console (the registry's own lock serialises changes to one
/// model). Staging evaluates the signal as the explorer does, records the trial, and registers the version as
/// <c>research models register</c> does (<see cref="SignalModelStaging"/>).
/// </summary>
[StatelessWorker]
public sealed class ModelRegistryGrain(WarehouseLayout layout, AlphaLedger ledger, TimeProvider clock) : Grain, IModelRegistryGrain
{
    private ModelRegistry Registry => new(layout.Root, clock);

    public async Task<ModelView[]> ListAsync()
    {
        var views = new List<ModelView>();
        foreach (var state in await Registry.ListAsync().ConfigureAwait(true))
        {
            views.Add(await ViewAsync(state).ConfigureAwait(true));
        }

        return [.. views];
    }

    public async Task<ModelView> RegisterAsync(string name, string signal, DateOnly from, DateOnly to, DateOnly split, int every, string question)
    {
        if (SignalModelStaging.Problem(name, from, to, split) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        var evaluation = await RecordedEvaluations.RunAsync(layout, ledger, clock, signal, from, to, every, question, report => SignalModelStaging.SplitOf(report, split)).ConfigureAwait(true);
        var candidate = new SignalModelCandidate(name, evaluation.Definition, evaluation.Report, from, to, split, evaluation.ScoreCoverage, evaluation.MaxDropShare,
            evaluation.Trial.TrialKey, evaluation.Trial.PValue, evaluation.Versions, By());
        var (manifest, _) = await SignalModelStaging.RegisterAsync(Registry, candidate).ConfigureAwait(true);
        return await ViewAsync((await Registry.StateAsync(manifest.Name).ConfigureAwait(true))!).ConfigureAwait(true);
    }

    public async Task<ModelView> PromoteAsync(string name, int version, double? minOosRankIc, string reason)
    {
        if (minOosRankIc is { } gate && !(gate is >= -1 and <= 1))
        {
            throw new ArgumentException($"minimum out-of-sample rank IC: {gate} is not a rank IC from -1 to 1.");
        }

        var state = await Registry.PromoteAsync(name, version, minOosRankIc is { } m ? [new PromotionGate("oos_rank_ic", m)] : [], By(), Reason(reason)).ConfigureAwait(true);
        return await ViewAsync(state).ConfigureAwait(true);
    }

    public async Task<ModelView> RollbackAsync(string name, string reason)
    {
        var state = await Registry.RollbackAsync(name, By(), Reason(reason)).ConfigureAwait(true);
        return await ViewAsync(state).ConfigureAwait(true);
    }

    private static string By() => CallerIdentity.Current?.Actor ?? "unknown";

    private static string Reason(string reason) =>
        reason?.Trim() is { Length: > 0 and <= 500 } r ? r : throw new ArgumentException("reason: say why, in 1 to 500 characters.");

    private async Task<ModelView> ViewAsync(ModelRegistryState state)
    {
        var versions = new List<ModelVersionView>();
        foreach (var version in state.ManifestSha256.Keys.Order())
        {
            try
            {
                var m = (await Registry.LoadAsync(state.Name, version).ConfigureAwait(true)).Manifest;
                versions.Add(new ModelVersionView(version, m.Description, m.Metrics, m.Checks, m.CreatedBy, m.CreatedAt, null));
            }
            catch (ModelIntegrityException e)
            {
                versions.Add(new ModelVersionView(version, string.Empty, new Dictionary<string, double>(), new Dictionary<string, bool>(), string.Empty, default, e.Message));
            }
        }

        var last = state.History.Count == 0 ? "-" : state.History[^1] is var h ? $"{h.Action} v{h.Version} by {h.By} {h.At:yyyy-MM-dd HH:mm}" : "-";
        return new ModelView(state.Name, state.Production, [.. state.Staged], [.. state.Archived], [.. versions], last);
    }
}
