using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Alpha;

/// <summary>A signal the explorer offers: a built-in or a stored definition.</summary>
[GenerateSerializer, Immutable, Alias("research.alpha.SignalInfo")]
public sealed record SignalInfo([property: Id(0)] string Id, [property: Id(1)] string Description, [property: Id(2)] bool BuiltIn, [property: Id(3)] string Sha256);

/// <summary>One horizon of an evaluation: IC and rank IC summaries, quantile means, the spread with its 95% interval.</summary>
[GenerateSerializer, Immutable, Alias("research.alpha.HorizonView")]
public sealed record HorizonView(
    [property: Id(0)] int Horizon,
    [property: Id(1)] double IcMean,
    [property: Id(2)] double RankIcMean,
    [property: Id(3)] double RankIcSd,
    [property: Id(4)] double RankIcir,
    [property: Id(5)] double RankIcT,
    [property: Id(6)] double HitRate,
    [property: Id(7)] double[] QuantileMeans,
    [property: Id(8)] double Spread,
    [property: Id(9)] double SpreadLow,
    [property: Id(10)] double SpreadHigh);

/// <summary>
/// A signal's evaluation for the explorer (recorded as a trial): per-date IC and rank IC at the first horizon, every
/// horizon's summary (the decay), turnover, coverage, and the trial with its corrections over the question.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.alpha.SignalExplorerView")]
public sealed record SignalExplorerView(
    [property: Id(0)] string Signal,
    [property: Id(1)] DateOnly[] Dates,
    [property: Id(2)] double[] Ic,
    [property: Id(3)] double[] RankIc,
    [property: Id(4)] HorizonView[] Horizons,
    [property: Id(5)] double? HalfLife,
    [property: Id(6)] double TopTurnover,
    [property: Id(7)] double RankAutocorrelation,
    [property: Id(8)] int SignalValues,
    [property: Id(9)] int MissingSignal,
    [property: Id(10)] TrialView Trial,
    [property: Id(11)] IReadOnlyDictionary<string, string> DataVersions,
    [property: Id(12)] string Definition);

/// <summary>A trial on record with its corrections over every trial of its question.</summary>
[GenerateSerializer, Immutable, Alias("research.alpha.TrialView")]
public sealed record TrialView(
    [property: Id(0)] string Signal,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] double PValue,
    [property: Id(4)] double Bonferroni,
    [property: Id(5)] double Holm,
    [property: Id(6)] double BenjaminiHochberg,
    [property: Id(7)] double DeflatedSharpe,
    [property: Id(8)] int Trials,
    [property: Id(9)] string RequestedBy,
    [property: Id(10)] DateTimeOffset CreatedAt);

/// <summary>The mean over dates of the cross-sectional rank correlation of every pair of signals.</summary>
[GenerateSerializer, Immutable, Alias("research.alpha.CorrelationView")]
public sealed record CorrelationView([property: Id(0)] string[] Signals, [property: Id(1)] double[][] Matrix);

/// <summary>A registered model and its versions, with each version's key metrics and checks.</summary>
[GenerateSerializer, Immutable, Alias("research.alpha.ModelView")]
public sealed record ModelView([property: Id(0)] string Name, [property: Id(1)] int? Production, [property: Id(2)] int[] Staged, [property: Id(3)] int[] Archived, [property: Id(4)] ModelVersionView[] Versions,
    [property: Id(5)] string LastChange);

[GenerateSerializer, Immutable, Alias("research.alpha.ModelVersionView")]
public sealed record ModelVersionView([property: Id(0)] int Version, [property: Id(1)] string Description, [property: Id(2)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(3)] IReadOnlyDictionary<string, bool> Checks, [property: Id(4)] string CreatedBy, [property: Id(5)] DateTimeOffset CreatedAt, [property: Id(6)] string? Problem);

/// <summary>
/// Alpha research for the console (a stateless worker in each silo, over the warehouse and the trial ledger): the
/// signals, one signal's evaluation (recorded as a trial, as <c>research alpha evaluate</c> records it), the correlation
/// matrix, and a question's trials with their corrections.
/// </summary>
[Alias("research.alpha.research")]
public interface IAlphaResearchGrain : IGrainWithIntegerKey
{
    [Alias("signals")]
    [RequiresAction(ResearchActions.AlphaView)]
    Task<SignalInfo[]> ListSignalsAsync();

    [Alias("evaluate")]
    [RequiresAction(ResearchActions.AlphaEvaluate)]
    Task<SignalExplorerView> EvaluateAsync(string signal, DateOnly from, DateOnly to, int every, string question);

    [Alias("correlate")]
    [RequiresAction(ResearchActions.AlphaEvaluate)]
    Task<CorrelationView> CorrelateAsync(string[] signals, DateOnly from, DateOnly to, int every);

    [Alias("trials")]
    [RequiresAction(ResearchActions.AlphaView)]
    Task<TrialView[]> TrialsAsync(string question);
}

/// <summary>
/// The model registry for the console: models and versions for everyone who may view; staging for researchers;
/// promotion and rollback for operators (each audited by the caller).
/// </summary>
[Alias("research.alpha.registry")]
public interface IModelRegistryGrain : IGrainWithIntegerKey
{
    [Alias("list")]
    [RequiresAction(ResearchActions.AlphaView)]
    Task<ModelView[]> ListAsync();

    /// <summary>
    /// Evaluates <paramref name="signal"/> from <paramref name="from"/> to <paramref name="to"/> (recorded as the caller's
    /// trial in <paramref name="question"/>) and registers it as a staged version of <paramref name="name"/>, its rank IC
    /// split at <paramref name="split"/> into in- and out-of-sample metrics (<c>research models register</c>).
    /// </summary>
    [Alias("register")]
    [RequiresAction(ResearchActions.ModelStage)]
    Task<ModelView> RegisterAsync(string name, string signal, DateOnly from, DateOnly to, DateOnly split, int every, string question);

    /// <summary>Promotes a version after its integrity, checks and the gate (out-of-sample rank IC at least <paramref name="minOosRankIc"/>, when given).</summary>
    [Alias("promote")]
    [RequiresAction(ResearchActions.ModelPromote)]
    Task<ModelView> PromoteAsync(string name, int version, double? minOosRankIc, string reason);

    [Alias("rollback")]
    [RequiresAction(ResearchActions.ModelPromote)]
    Task<ModelView> RollbackAsync(string name, string reason);
}
