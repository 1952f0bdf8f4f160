using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Backtesting.Engine;

namespace Research.Backtesting.Jobs;

/// <summary>
/// A backtest as a user states it (strategy, window, execution, costs): what <c>research backtest run</c> executes in
/// process and what a cluster job persists. <see cref="Canonical"/> is its stable text form; together with the data
/// versions it read it determines the job id, so the same request on the same data is the same job.
/// </summary>
public sealed record BacktestRequest
{
    /// <summary>Strategy name -> the factor it sorts on (null: buy and hold).</summary>
    public static IReadOnlyDictionary<string, string?> Strategies { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["buy-and-hold"] = null,
        ["momentum"] = "momentum",
        ["value"] = "value",
        ["quality"] = "quality",
        ["size"] = "size",
        ["low-vol"] = "low_vol",
    };

    /// <summary>The strategy that trades a signal model from the registry (<see cref="Model"/>) like a factor.</summary>
    public const string AlphaStrategy = "alpha";

    /// <summary>Every strategy name: the factor strategies, buy and hold, and <see cref="AlphaStrategy"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Strategies.Keys, AlphaStrategy];

    public required string Strategy { get; init; }

    /// <summary>First session (default: 13 months after the first CRSP session, when momentum exists).</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last session (default: the last CRSP session).</summary>
    public DateOnly? To { get; init; }

    public Execution Execution { get; init; } = Execution.NextClose;

    /// <summary>Factor strategies: the quantile held long and short.</summary>
    public double Quantile { get; init; } = 0.2;

    public double Capital { get; init; } = 10_000_000;

    public CostModel Costs { get; init; } = new();

    /// <summary>
    /// Factor strategies: how the book is built from the factor: "quantile" (equal-weighted top and bottom quantiles) or
    /// "optimizer" (<see cref="Strategies.OptimizedFactorStrategy"/>: alpha from the factor, one-factor risk, the
    /// portfolio optimiser).
    /// </summary>
    public string Construction { get; init; } = "quantile";

    /// <summary>
    /// The <see cref="AlphaStrategy"/>: the registry model whose production version it trades (pinned at submission with
    /// the data versions, see <see cref="Strategies.SignalModels"/>); null for the other strategies.
    /// </summary>
    public string? Model { get; init; }

    /// <summary>
    /// The <see cref="AlphaStrategy"/> without a model: a signal definition's JSON (<c>SignalDefinition.CanonicalJson</c>),
    /// traded as it is (the explorer's "backtest this signal"); its SHA-256 is part of the job id.
    /// </summary>
    public string? Signal { get; init; }

    /// <summary>The parsed <see cref="Signal"/>, or null.</summary>
    public Research.Analytics.Alpha.Signals.SignalDefinition? SignalDefinition() =>
        Signal is null ? null : Research.Analytics.Alpha.Signals.SignalDefinition.Parse(Signal, "signal");

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (!Names.Contains(Strategy ?? string.Empty))
        {
            throw new ArgumentException($"strategy: '{Strategy}' is not one of {string.Join(", ", Names)}.");
        }

        if (Strategy == AlphaStrategy && Signal is not null)
        {
            if (Model is not null)
            {
                throw new ArgumentException("model: give a model or a signal definition for the alpha strategy, not both.");
            }

            try
            {
                SignalDefinition();
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, e);
            }
        }
        else if (Strategy == AlphaStrategy && Research.Data.Registry.ModelRegistry.NameProblem(Model) is { } problem)
        {
            throw new ArgumentException($"model: the alpha strategy trades a registered signal model; {(Model is null ? "give its name." : problem)}");
        }

        if (Strategy != AlphaStrategy && (Model is not null || Signal is not null))
        {
            throw new ArgumentException($"model: only the alpha strategy takes a model or a signal; {Strategy} does not.");
        }

        if (From is { } f && To is { } t && t <= f)
        {
            throw new ArgumentException($"to {t:yyyy-MM-dd} must be after from {f:yyyy-MM-dd}.");
        }

        if (Construction is not ("quantile" or "optimizer"))
        {
            throw new ArgumentException($"construction: '{Construction}' is not quantile or optimizer.");
        }

        if (Construction == "optimizer" && Strategy != AlphaStrategy && Strategies[Strategy!] is null)
        {
            throw new ArgumentException("construction: buy-and-hold has no factor to optimise on; use construction quantile.");
        }

        if (Quantile is <= 0 or > 0.5 || !double.IsFinite(Quantile))
        {
            throw new ArgumentException($"quantile: {Quantile} is not in (0, 0.5].");
        }

        if (Capital <= 0 || !double.IsFinite(Capital))
        {
            throw new ArgumentException($"capital: {Capital} must be positive.");
        }

        foreach (var (name, value) in new[] { ("commission_bps", Costs.CommissionBps), ("half_spread_bps", Costs.HalfSpreadBps), ("impact", Costs.ImpactCoefficient), ("borrow_bps", Costs.BorrowBps) })
        {
            if (value < 0 || !double.IsFinite(value))
            {
                throw new ArgumentException($"{name}: {value} must be a finite number >= 0.");
            }
        }
    }

    /// <summary>Stable text of every field that changes the result (invariant culture, round-trip doubles, fixed order; the quantile is irrelevant to an optimised book but kept for simplicity).</summary>
    public string Canonical()
    {
        static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "auto";
        return $"backtest/v1;strategy={Strategy};from={Day(From)};to={Day(To)};execution={Execution};quantile={D(Quantile)};capital={D(Capital)};" +
            $"commission_bps={D(Costs.CommissionBps)};half_spread_bps={D(Costs.HalfSpreadBps)};impact={D(Costs.ImpactCoefficient)};borrow_bps={D(Costs.BorrowBps)}" +
            // Added later: absent means quantile, so the ids of earlier specs stay what they were.
            (Construction == "quantile" ? string.Empty : $";construction={Construction}") +
            (Model is null ? string.Empty : $";model={Model}") +
            (SignalDefinition() is { } signal ? $";signal={signal.Sha256}" : string.Empty);
    }

    /// <summary>
    /// The job id of a canonical spec over the given data versions: "bt-" + the first 16 hex digits of SHA-256 over the
    /// spec and the (dataset, version) pairs in ordinal order.
    /// </summary>
    public static string JobId(string prefix, string canonical, IReadOnlyDictionary<string, string> dataVersions)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        ArgumentNullException.ThrowIfNull(dataVersions);
        var text = new StringBuilder(canonical);
        foreach (var (dataset, version) in dataVersions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(dataset).Append('@').Append(version);
        }

        return prefix + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
