using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Analytics.Factors;
using Research.Backtesting.Overfitting;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Research.Platform.Storage.Alpha;

namespace Research.Cli.Commands.Alpha;

/// <summary>
/// What the alpha commands share: one warehouse session and panel for the signals at hand (loaded from 400 calendar days
/// before the first signal date, so year-long descriptors exist on it), the signal dates, building a definition on
/// them, the evaluation window, and recording a trial in the ledger.
/// </summary>
internal sealed class SignalWorkbench : IDisposable
{
    /// <summary>Calendar days of data loaded before --from.</summary>
    public const int LookbackDays = 400;

    public const string Universe = Research.Backtesting.Signals.SignalSweepTrials.Universe;

    /// <summary>Statistics may be NaN (a constant IC series has no t); they are stored as "NaN", not refused.</summary>
    private static readonly JsonSerializerOptions NamedFloats = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly WarehouseQuerySession _session;
    private readonly Dictionary<string, double[]> _external = new(StringComparer.Ordinal);
    private DescriptorContext? _context;

    private SignalWorkbench(WarehouseQuerySession session, EquityPanel panel, int[] sessions) => (_session, Panel, Sessions) = (session, panel, sessions);

    public EquityPanel Panel { get; }

    /// <summary>The signal sessions (panel indexes), every --every sessions from --from.</summary>
    public int[] Sessions { get; }

    /// <summary>The evaluated dates: the panel from the first signal session on.</summary>
    public DateOnly[] Dates => Panel.Dates[Sessions[0]..];

    /// <summary>The returns over <see cref="Dates"/>.</summary>
    public double[] Returns => Slice(Panel.Returns);

    /// <summary>The data versions read, as JSON with sorted keys (what a trial records).</summary>
    public string DataVersions => JsonSerializer.Serialize(new SortedDictionary<string, string>(_session.Pinned.ToDictionary(p => p.Key, p => p.Value.VersionId), StringComparer.Ordinal));

    public static SignalWorkbench Open(ParseResult parse, IReadOnlyList<string> datasets, DateOnly from, DateOnly to, int every)
    {
        var session = WarehouseOptions.OpenDatasets(parse, [.. datasets.Distinct(StringComparer.Ordinal)], "'research sync --full-sync --dataset crsp' (compustat and ccm for fundamental signals; truth for the planted alpha)");
        try
        {
            var panel = EquityPanelLoader.Load(session, from.AddDays(-LookbackDays), to);
            var sessions = SignalBuilder.Sessions(panel, from, every);
            if (sessions.Length < 3)
            {
                throw new CliException($"--from {from:yyyy-MM-dd} --to {to:yyyy-MM-dd}: the warehouse has {sessions.Length} signal session(s) in that range; give a longer period.");
            }

            return new SignalWorkbench(session, panel, sessions);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The definition's scores on the whole panel (NaN off the signal sessions).</summary>
    public SignalBuild Build(SignalDefinition definition, double maxDropShare, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Terms.Any(t => t.Descriptor == SignalDescriptors.PlantedAlpha) && !_external.ContainsKey(SignalDescriptors.PlantedAlpha))
        {
            _external[SignalDescriptors.PlantedAlpha] = SignalPanel.FromRows(Panel.Axes, SignalPanel.PlantedAlpha(_session, Panel.Dates[0], Panel.Dates[^1])).Values;
        }

        try
        {
            return SignalBuilder.Build(_context ??= new DescriptorContext(Panel), definition, Sessions, _external, maxDropShare, ct);
        }
        catch (Exception e) when (e is SignalCoverageException or ArgumentException)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>A whole-panel series cut to <see cref="Dates"/>.</summary>
    public double[] Slice(double[] values) => values[(Sessions[0] * Panel.Assets)..];

    /// <summary>Evaluates scores on <see cref="Dates"/>; a coverage failure is a one-line error.</summary>
    public SignalReport Evaluate(double[] scoresOnDates, SignalAnalyticsOptions options)
    {
        try
        {
            return SignalAnalytics.Evaluate(Dates, Panel.Assets, scoresOnDates, Returns, options);
        }
        catch (Exception e) when (e is SignalCoverageException or ArgumentException)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>Appends the evaluation to the ledger and returns it with the question's corrections.</summary>
    public static async Task<(SignalTrial Trial, CorrectedTrial Corrected)> RecordAsync(AlphaLedger ledger, string question, string identity, string sha, string definition,
        object parameters, DateOnly from, DateOnly to, string dataVersions, SignalReport report, CancellationToken ct)
    {
        var parametersJson = JsonSerializer.Serialize(parameters);
        var statistics = JsonSerializer.Serialize(report.Horizons.Select(h => new { h.Horizon, ic = h.IcSummary, rankIc = h.RankIcSummary, h.Spread, h.QuantileMeans }), NamedFloats);
        var measured = SignalTrial.Measure(report);
        var trial = new SignalTrial(SignalTrialCorrections.Key(sha, parametersJson, from, to, dataVersions), question, identity, sha, definition, parametersJson, from, to,
            Universe, dataVersions, statistics, measured.PValue, measured.SpreadSharpe, measured.Horizon, measured.Periods, measured.Skewness, measured.Kurtosis,
            Environment.UserName, TimeProvider.System.GetUtcNow());
        await ledger.RecordTrialAsync(trial, ct).ConfigureAwait(false);
        var corrected = SignalTrialCorrections.Correct(await ledger.TrialsAsync(question, ct).ConfigureAwait(false));
        return (trial, corrected.Single(c => c.Trial.TrialKey == trial.TrialKey));
    }

    /// <summary>The --question value, checked.</summary>
    public static string Question(string? text) =>
        text?.Trim() is { Length: > 0 and <= 200 } q ? q : throw new CliException("--question: give a name of 1 to 200 characters.");

    /// <summary>--horizons parsed: session counts from 1 to a year, distinct and ascending.</summary>
    public static IReadOnlyList<int> Horizons(string text)
    {
        var list = new List<int>();
        var year = Research.Core.Calendars.Annualisation.SessionsPerYear;
        foreach (var p in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var h) || h < 1 || h > year)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--horizons: '{p}' is not a session count from 1 to {year}."));
            }

            list.Add(h);
        }

        return list.Count > 0 ? [.. list.Distinct().Order()] : throw new CliException("--horizons: give at least one session count, e.g. 1,5,21.");
    }

    public void Dispose() => _session.Dispose();
}
