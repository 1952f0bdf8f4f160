using Orleans.Concurrency;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Overfitting;
using Research.Backtesting.Signals;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Alpha;
using Research.Platform.Storage.Alpha;

namespace Research.Grains.Alpha;

/// <summary>
/// The explorer's signal work in the silo: a signal evaluated as <c>research alpha evaluate</c> evaluates it and recorded
/// as a trial of the caller (<see cref="RecordedEvaluations"/>), and the question's corrections read back.
/// </summary>
[StatelessWorker]
public sealed class AlphaResearchGrain(WarehouseLayout layout, AlphaLedger ledger, TimeProvider clock) : Grain, IAlphaResearchGrain
{
    public async Task<SignalInfo[]> ListSignalsAsync()
    {
        var stored = await ledger.ListSignalsAsync().ConfigureAwait(true);
        return [.. BuiltInSignals.All.Select(s => new SignalInfo(s.Name, s.Description, true, s.Sha256)),
            .. stored.Select(s => new SignalInfo(s.Definition.Id, s.Definition.Description, false, s.Sha256))];
    }

    public async Task<SignalExplorerView> EvaluateAsync(string signal, DateOnly from, DateOnly to, int every, string question)
    {
        var (definition, report, _, _, versions, trial) = await RecordedEvaluations.RunAsync(layout, ledger, clock, signal, from, to, every, question).ConfigureAwait(true);
        var corrected = SignalTrialCorrections.Correct(await ledger.TrialsAsync(question).ConfigureAwait(true)).Single(c => c.Trial.TrialKey == trial.TrialKey);
        var first = report.Horizons[0];
        return new SignalExplorerView(definition.Id, [.. first.Dates], [.. first.Ic], [.. first.RankIc],
            [.. report.Horizons.Select(h => new HorizonView(h.Horizon, h.IcSummary.Mean, h.RankIcSummary.Mean, h.RankIcSummary.StandardDeviation, h.RankIcSummary.Icir, h.RankIcSummary.NeweyWestT,
                h.RankIcSummary.HitRate, [.. h.QuantileMeans], h.Spread, h.SpreadInterval.Low, h.SpreadInterval.High))],
            report.HalfLife, report.TopTurnover, report.RankAutocorrelation, report.SignalValues, report.MissingSignal, View(corrected), versions, definition.CanonicalJson());
    }

    public async Task<CorrelationView> CorrelateAsync(string[] signals, DateOnly from, DateOnly to, int every)
    {
        ArgumentNullException.ThrowIfNull(signals);
        if (signals.Length is < 2 or > 12 || signals.Distinct(StringComparer.Ordinal).Count() != signals.Length)
        {
            throw new ArgumentException("signals: choose 2 to 12 different signals.");
        }

        var definitions = new List<SignalDefinition>();
        foreach (var s in signals)
        {
            definitions.Add(await RecordedEvaluations.ResolveAsync(ledger, s).ConfigureAwait(true));
        }

        var request = RecordedEvaluations.Request(definitions, from, to, every, "default");
        var versions = SignalSweepPlan.CurrentVersions(layout, request);
        var matrix = await Task.Run(() =>
        {
            var plan = SignalSweepPlan.Load(layout, request, versions);
            return SignalStability.CorrelationMatrix(plan.Dates.Length, plan.Panel.Assets, [.. definitions.Select(d => plan.Scores(d))]);
        }).ConfigureAwait(true);
        return new CorrelationView([.. definitions.Select(d => d.Id)], [.. Enumerable.Range(0, definitions.Count).Select(i => Enumerable.Range(0, definitions.Count).Select(j => matrix[i, j]).ToArray())]);
    }

    public async Task<TrialView[]> TrialsAsync(string question)
    {
        RecordedEvaluations.CheckQuestion(question);
        var corrected = SignalTrialCorrections.Correct(await ledger.TrialsAsync(question).ConfigureAwait(true));
        return [.. corrected.OrderByDescending(c => c.Trial.CreatedAt).Select(View)];
    }

    private static TrialView View(CorrectedTrial c) =>
        new(c.Trial.Signal, c.Trial.From, c.Trial.To, c.Trial.PValue, c.Bonferroni, c.Holm, c.BenjaminiHochberg, c.DeflatedSharpe, c.Trials, c.Trial.RequestedBy, c.Trial.CreatedAt);
}
