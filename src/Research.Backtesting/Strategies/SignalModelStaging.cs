using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Data.Registry;

namespace Research.Backtesting.Strategies;

/// <summary>
/// An evaluated signal, registered as a staged version of a model (what <c>research models register</c> and the
/// console's explorer both do): the evaluation's first horizon split at <see cref="Split"/> into in- and out-of-sample
/// rank IC, the trial it was recorded as, and the coverage of its scores.
/// </summary>
/// <param name="ScoreCoverage">Share of the signal's input rows that kept a score through every build stage.</param>
public sealed record SignalModelCandidate(
    string Name,
    SignalDefinition Definition,
    SignalReport Report,
    DateOnly From,
    DateOnly To,
    DateOnly Split,
    double ScoreCoverage,
    double MaxDropShare,
    string TrialKey,
    double PValue,
    IReadOnlyDictionary<string, string> DataVersions,
    string By);

/// <summary>
/// Stages a signal model: the definition (<c>signal.json</c>) and the evaluation with its split (<c>evaluation.json</c>)
/// as the version's files; metrics <c>is_rank_ic</c>, <c>oos_rank_ic</c>, <c>oos_t</c>, <c>degradation</c>,
/// <c>score_coverage</c> and <c>p_value</c> (the non-finite ones left out); checks <c>coverage_within_limit</c> and
/// <c>oos_rank_ic_positive</c>; trained from the first date to the day before the split. See
/// <c>docs/CONCEPTS/model-registry.md</c>.
/// </summary>
public static class SignalModelStaging
{
    private static readonly JsonSerializerOptions EvaluationJson = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>What is wrong with a name and a period before anything is evaluated, or null.</summary>
    public static string? Problem(string? name, DateOnly from, DateOnly to, DateOnly split) =>
        ModelRegistry.NameProblem(name) is { } problem ? $"name: {problem}"
        : split <= from || split > to ? string.Create(CultureInfo.InvariantCulture, $"split: {split:yyyy-MM-dd} must lie after the first date ({from:yyyy-MM-dd}) and not after the last ({to:yyyy-MM-dd}).")
        : null;

    /// <summary>The first horizon's rank IC in and out of sample; an <see cref="ArgumentException"/> starting "split: " when a side has fewer than 2 dates (check it before recording the trial).</summary>
    public static IcSplit SplitOf(SignalReport report, DateOnly split)
    {
        ArgumentNullException.ThrowIfNull(report);
        try
        {
            return SignalStability.Split(report.Horizons[0], split);
        }
        catch (ArgumentException e)
        {
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"split: {message}", e);
        }
    }

    public static async Task<(ModelManifest Manifest, IcSplit Split)> RegisterAsync(ModelRegistry registry, SignalModelCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(candidate);
        if (Problem(candidate.Name, candidate.From, candidate.To, candidate.Split) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        var split = SplitOf(candidate.Report, candidate.Split);
        var definition = candidate.Definition;
        var evaluation = JsonSerializer.Serialize(new { signal = definition.Id, trial = candidate.TrialKey, report = candidate.Report.ToDocument(), split }, EvaluationJson);
        var metrics = new Dictionary<string, double>
        {
            ["is_rank_ic"] = split.InSample.Mean,
            ["oos_rank_ic"] = split.OutOfSample.Mean,
            ["oos_t"] = split.OutOfSample.NeweyWestT,
            ["degradation"] = split.Degradation,
            ["score_coverage"] = candidate.ScoreCoverage,
            ["p_value"] = candidate.PValue,
        }.Where(m => double.IsFinite(m.Value)).ToDictionary();
        var checks = new Dictionary<string, bool>
        {
            ["coverage_within_limit"] = candidate.ScoreCoverage >= 1 - candidate.MaxDropShare,
            ["oos_rank_ic_positive"] = split.OutOfSample.Mean > 0,
        };
        var manifest = await registry.RegisterAsync(candidate.Name, SignalModels.Kind, definition.Description,
            new Dictionary<string, byte[]> { [SignalModels.DefinitionFile] = Encoding.UTF8.GetBytes(definition.CanonicalJson()), ["evaluation.json"] = Encoding.UTF8.GetBytes(evaluation) },
            candidate.From, candidate.Split.AddDays(-1), candidate.DataVersions, metrics, checks, candidate.By, cancellationToken).ConfigureAwait(false);
        return (manifest, split);
    }

    /// <summary>One line for a person: the version, the signal, the in- and out-of-sample rank IC and the checks.</summary>
    public static string Describe(ModelManifest manifest, string signal, IcSplit split)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(split);
        return string.Create(CultureInfo.InvariantCulture,
            $"registered {manifest.Name} v{manifest.Version} (staged): {signal}, rank IC {split.InSample.Mean:0.0000} in sample, {split.OutOfSample.Mean:0.0000} out of sample (t {split.OutOfSample.NeweyWestT:0.00}); checks {string.Join(", ", manifest.Checks.Select(c => $"{c.Key} {(c.Value ? "passed" : "FAILED")}"))}.");
    }
}
