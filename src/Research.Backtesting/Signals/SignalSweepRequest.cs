using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Analytics.Alpha;
using Research.Analytics.Alpha.Signals;

namespace Research.Backtesting.Signals;

/// <summary>
/// A batch of signal variants (usually a <see cref="SignalGrid"/>) evaluated over one period with one set of options: a
/// cluster job that fans its variants out across silos in units of <see cref="UnitSize"/>. Every variant is evaluated
/// as <c>research alpha evaluate</c> evaluates one (<see cref="SignalAnalytics"/>), on signal dates every
/// <see cref="Every"/> sessions from <see cref="From"/>; <see cref="Canonical"/> (with the data versions) is the job id.
/// </summary>
public sealed record SignalSweepRequest
{
    /// <summary>Variants evaluated by one unit (one grain call).</summary>
    public const int UnitSize = 8;

    /// <summary>The variants' canonical definitions (<see cref="SignalDefinition.CanonicalJson"/>), in grid order.</summary>
    public required IReadOnlyList<string> Definitions { get; init; }

    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    /// <summary>Sessions between signal dates.</summary>
    public int Every { get; init; } = 5;

    public IReadOnlyList<int> Horizons { get; init; } = [1, 5, 21];

    public int Quantiles { get; init; } = 5;

    /// <summary>See <see cref="SignalAnalyticsOptions.MaxDropShare"/>; a variant past it is reported failed, the others go on.</summary>
    public double MaxDropShare { get; init; } = 0.35;

    /// <summary>The research question the variants are recorded under as trials.</summary>
    public string Question { get; init; } = "default";

    public SignalAnalyticsOptions Options => new(Horizons, Quantiles, MaxDropShare);

    /// <summary>The variants, parsed (each checked as a spec file is).</summary>
    public IReadOnlyList<SignalDefinition> Parsed() => [.. Definitions.Select((d, i) => SignalDefinition.Parse(d, string.Create(CultureInfo.InvariantCulture, $"variant {i + 1}")))];

    /// <summary>The warehouse datasets the variants read together.</summary>
    public IReadOnlyList<string> Datasets() => [.. Parsed().SelectMany(d => d.Datasets()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public int Units => (Definitions.Count + UnitSize - 1) / UnitSize;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (Definitions is null || Definitions.Count == 0 || Definitions.Count > SignalGrid.MaxVariants)
        {
            throw new ArgumentException($"definitions: give 1 to {SignalGrid.MaxVariants} variants.");
        }

        try
        {
            var names = Parsed().Select(d => d.Name).ToList();
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            {
                throw new ArgumentException("definitions: two variants share a name.");
            }
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"definitions: {e.Message}", e);
        }

        if (To <= From)
        {
            throw new ArgumentException($"to {To:yyyy-MM-dd} must be after from {From:yyyy-MM-dd}.");
        }

        if (Every is < 1 or > 63)
        {
            throw new ArgumentException($"every: {Every} is not from 1 to 63 sessions.");
        }

        if (Horizons is null || Horizons.Count == 0 || Horizons.Any(h => h < 1 || h > Research.Core.Calendars.Annualisation.SessionsPerYear) || !Horizons.SequenceEqual(Horizons.Distinct().Order()))
        {
            throw new ArgumentException("horizons: give distinct session counts from 1 to a year, ascending.");
        }

        if (Quantiles is < 2 or > 20)
        {
            throw new ArgumentException($"quantiles: {Quantiles} is not from 2 to 20.");
        }

        if (Question is not { Length: > 0 and <= 200 } || string.IsNullOrWhiteSpace(Question))
        {
            throw new ArgumentException("question: give a name of 1 to 200 characters.");
        }

        if (!(MaxDropShare is >= 0 and <= 1))
        {
            throw new ArgumentException($"max drop share: {MaxDropShare} is not from 0 to 1.");
        }
    }

    /// <summary>Stable text of everything that changes the result: the variants' SHA-256 in order and the options.</summary>
    public string Canonical()
    {
        var variants = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Definitions))));
        return string.Create(CultureInfo.InvariantCulture,
            $"signals/v1;variants={Definitions.Count}:{variants};from={From:yyyy-MM-dd};to={To:yyyy-MM-dd};every={Every};horizons={string.Join(',', Horizons)};quantiles={Quantiles};max_drop={MaxDropShare:R};question={Question}");
    }
}
