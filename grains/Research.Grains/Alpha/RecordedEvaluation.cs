using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Overfitting;
using Research.Backtesting.Signals;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Alpha;

namespace Research.Grains.Alpha;

/// <summary>One signal evaluated for the console and recorded as the caller's trial: its report, score coverage, pinned versions and the trial.</summary>
internal sealed record RecordedEvaluation(SignalDefinition Definition, SignalReport Report, double ScoreCoverage, double MaxDropShare, IReadOnlyDictionary<string, string> Versions, SignalTrial Trial);

/// <summary>
/// The console's evaluations (the explorer's and staging a model): a one-variant <see cref="SignalSweepPlan"/> (the same
/// panel, dates and analytics as <c>research alpha evaluate</c>), recorded in the ledger as a trial of the caller.
/// </summary>
internal static class RecordedEvaluations
{
    /// <param name="check">Runs on the report before the trial is recorded; what it throws leaves the ledger untouched.</param>
    public static async Task<RecordedEvaluation> RunAsync(WarehouseLayout layout, AlphaLedger ledger, TimeProvider clock, string signal, DateOnly from, DateOnly to, int every, string question,
        Action<SignalReport>? check = null)
    {
        var definition = await ResolveAsync(ledger, signal).ConfigureAwait(true);
        var request = Request([definition], from, to, every, question);
        var versions = SignalSweepPlan.CurrentVersions(layout, request);
        var (variant, report, coverage) = await Task.Run(() => SignalSweepPlan.Load(layout, request, versions).EvaluateOne(0)).ConfigureAwait(true);
        if (report is null)
        {
            throw new ArgumentException($"{definition.Id}: {variant.Error}");
        }

        check?.Invoke(report);
        var by = CallerIdentity.Current?.Actor ?? "unknown";
        var summary = SignalSweepSummary.Of(request, [variant]);
        var (trialId, trial) = SignalSweepTrials.Of("alpha-" + Guid.NewGuid().ToString("N"), question, by, request, versions, summary, clock.GetUtcNow())[0];
        await ledger.RecordOnceAsync([(trialId, trial)]).ConfigureAwait(true);
        return new RecordedEvaluation(definition, report, coverage, request.MaxDropShare, versions, trial);
    }

    public static SignalSweepRequest Request(IReadOnlyList<SignalDefinition> definitions, DateOnly from, DateOnly to, int every, string question)
    {
        CheckQuestion(question);
        var request = new SignalSweepRequest { Definitions = [.. definitions.Select(d => d.CanonicalJson())], From = from, To = to, Every = every, Question = question };
        request.Validate();
        return request;
    }

    public static void CheckQuestion(string question)
    {
        if (question is not { Length: > 0 and <= 200 } || string.IsNullOrWhiteSpace(question))
        {
            throw new ArgumentException("question: give a name of 1 to 200 characters.");
        }
    }

    /// <summary>A built-in by name, or a stored definition as NAME or NAME@vN.</summary>
    public static async Task<SignalDefinition> ResolveAsync(AlphaLedger ledger, string text)
    {
        try
        {
            return await ledger.ResolveAsync(text).ConfigureAwait(true);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"signal: {e.Message}", e);
        }
    }
}
