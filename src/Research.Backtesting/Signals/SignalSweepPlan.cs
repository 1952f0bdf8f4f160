using System.Globalization;
using System.Text.Json;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;
using Research.Analytics.Factors;
using Research.Backtesting.Overfitting;
using Research.Data.Warehouse;

namespace Research.Backtesting.Signals;

/// <summary>A variant's statistics at one horizon.</summary>
public sealed record SweepHorizon(int Horizon, IcSummary Ic, IcSummary RankIc, double Spread, IReadOnlyList<double> QuantileMeans);

/// <summary>
/// One variant's evaluation: its statistics per horizon, turnover and coverage, and what the trial ledger records
/// (<see cref="SignalTrial.Measure"/>: the first horizon's rank IC p-value and the top-minus-bottom spread's Sharpe, skew
/// and kurtosis). <see cref="Error"/> says why a variant could not be evaluated (coverage past the limit, for example).
/// </summary>
public sealed record SweepVariant(int Index, string Name, string Sha256, string Definition, string? Error, IReadOnlyList<SweepHorizon> Horizons,
    double TopTurnover, double RankAutocorrelation, int SignalValues, int MissingSignal, double PValue, double SpreadSharpe, int Periods, double Skewness, double Kurtosis);

/// <summary>
/// What every unit of a sweep needs, loaded once per silo (<c>BacktestServices.Plan</c> caches it per job): the panel from
/// 400 calendar days before <see cref="SignalSweepRequest.From"/> to its <see cref="SignalSweepRequest.To"/> at the pinned
/// versions, the descriptor context, the planted alpha when a variant reads it, and the signal dates. The warehouse
/// session is closed once loaded. <see cref="RunUnit"/> is deterministic: the same unit gives the same bytes on any silo.
/// </summary>
public sealed class SignalSweepPlan
{
    /// <summary>Calendar days of data loaded before the first signal date (year-long descriptors need them).</summary>
    public const int LookbackDays = 400;

    private readonly IReadOnlyList<SignalDefinition> _variants;
    private readonly DescriptorContext _context;
    private readonly Dictionary<string, double[]> _external;

    private SignalSweepPlan(SignalSweepRequest request, IReadOnlyList<SignalDefinition> variants, EquityPanel panel, Dictionary<string, double[]> external, int[] sessions)
    {
        Request = request;
        _variants = variants;
        Panel = panel;
        _context = new DescriptorContext(panel);
        _external = external;
        Sessions = sessions;
    }

    public SignalSweepRequest Request { get; }

    public EquityPanel Panel { get; }

    /// <summary>The signal sessions (panel indexes).</summary>
    public int[] Sessions { get; }

    public int Units => Request.Units;

    public static SignalSweepPlan Load(WarehouseLayout layout, SignalSweepRequest request, IReadOnlyDictionary<string, string> dataVersions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataVersions);
        request.Validate();
        var variants = request.Parsed();
        using var session = WarehouseQuerySession.OpenVersions(layout, dataVersions, QueryLimits.Default, TimeProvider.System);
        var panel = EquityPanelLoader.Load(session, request.From.AddDays(-LookbackDays), request.To);
        var sessions = SignalBuilder.Sessions(panel, request.From, request.Every);
        if (sessions.Length < 3)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"from {request.From:yyyy-MM-dd} to {request.To:yyyy-MM-dd}: the warehouse has {sessions.Length} signal session(s) in that range; give a longer period."));
        }

        var external = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (variants.Any(v => v.Terms.Any(t => t.Descriptor == SignalDescriptors.PlantedAlpha)))
        {
            external[SignalDescriptors.PlantedAlpha] = SignalPanel.FromRows(panel.Axes, SignalPanel.PlantedAlpha(session, panel.Dates[0], panel.Dates[^1])).Values;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new SignalSweepPlan(request, variants, panel, external, sessions);
    }

    /// <summary>The datasets and current versions a sweep of <paramref name="request"/> reads: what its job pins.</summary>
    public static IReadOnlyDictionary<string, string> CurrentVersions(WarehouseLayout layout, SignalSweepRequest request)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var catalog = new WarehouseCatalog(layout);
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dataset in request.Datasets())
        {
            versions[dataset] = catalog.ReadCurrent(dataset)?.VersionId
                ?? throw new ArgumentException($"{dataset} is not in the warehouse at {layout.Root}; the variants read it (sync it first: 'research sync --full-sync --dataset {dataset.Split('/')[0]}').");
        }

        return versions;
    }

    /// <summary>Evaluates unit <paramref name="unit"/>'s variants (indexes unit x <see cref="SignalSweepRequest.UnitSize"/> on).</summary>
    public IReadOnlyList<SweepVariant> RunUnit(int unit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unit, Units);
        var first = unit * SignalSweepRequest.UnitSize;
        var list = new List<SweepVariant>();
        for (var v = first; v < Math.Min(first + SignalSweepRequest.UnitSize, _variants.Count); v++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            list.Add(Evaluate(v, cancellationToken));
        }

        return list;
    }

    /// <summary>The signal dates' scores of a definition (NaN off them), cut to the evaluated dates: what the correlation matrix compares.</summary>
    public double[] Scores(SignalDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return SignalBuilder.Build(_context, definition, Sessions, _external, 1.0, cancellationToken).Values[(Sessions[0] * Panel.Assets)..];
    }

    /// <summary>The evaluated dates: the panel from the first signal session on.</summary>
    public DateOnly[] Dates => Panel.Dates[Sessions[0]..];

    /// <summary>One variant's report on the signal dates (what <c>research alpha evaluate</c> computes for it).</summary>
    public SignalReport Report(SignalDefinition definition, CancellationToken cancellationToken = default) => ReportWithCoverage(definition, cancellationToken).Report;

    /// <summary>The report and the share of the signal's input rows that kept a score through every build stage (a model's <c>score_coverage</c>).</summary>
    public (SignalReport Report, double ScoreCoverage) ReportWithCoverage(SignalDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var build = SignalBuilder.Build(_context, definition, Sessions, _external, Request.MaxDropShare, cancellationToken);
        var offset = Sessions[0] * Panel.Assets;
        var report = SignalAnalytics.Evaluate(Panel.Dates[Sessions[0]..], Panel.Assets, build.Values[offset..], Panel.Returns[offset..], Request.Options);
        return (report, (double)build.Stages[^1].Rows / Math.Max(1, build.Stages[0].Rows));
    }

    private SweepVariant Evaluate(int index, CancellationToken cancellationToken) => EvaluateOne(index, cancellationToken).Variant;

    /// <summary>Variant <paramref name="index"/>'s outcome and, when it could be evaluated, its full report (the explorer draws the per-date series) and score coverage.</summary>
    public (SweepVariant Variant, SignalReport? Report, double ScoreCoverage) EvaluateOne(int index, CancellationToken cancellationToken = default)
    {
        var definition = _variants[index];
        try
        {
            var (report, coverage) = ReportWithCoverage(definition, cancellationToken);
            var measured = SignalTrial.Measure(report);
            return (new SweepVariant(index, definition.Name, definition.Sha256, definition.CanonicalJson(), null,
                [.. report.Horizons.Select(h => new SweepHorizon(h.Horizon, h.IcSummary, h.RankIcSummary, h.Spread, h.QuantileMeans))],
                report.TopTurnover, report.RankAutocorrelation, report.SignalValues, report.MissingSignal,
                measured.PValue, measured.SpreadSharpe, measured.Periods, measured.Skewness, measured.Kurtosis), report, coverage);
        }
        catch (Exception e) when (e is SignalCoverageException or ArgumentException)
        {
            return (new SweepVariant(index, definition.Name, definition.Sha256, definition.CanonicalJson(), e.Message, [], double.NaN, double.NaN, 0, 0, 1.0, double.NaN, 0, double.NaN, double.NaN), null, 0);
        }
    }

    /// <summary>What the trial ledger stores as a variant's statistics (the shape <c>research alpha evaluate</c> records).</summary>
    public static string Statistics(SweepVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return JsonSerializer.Serialize(variant.Horizons.Select(h => new { h.Horizon, ic = h.Ic, rankIc = h.RankIc, h.Spread, h.QuantileMeans }), StatisticsJson);
    }

    private static readonly JsonSerializerOptions StatisticsJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
