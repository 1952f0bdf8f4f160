using System.Globalization;
using Research.Backtesting.MonteCarlo;

namespace Research.Backtesting.Jobs;

/// <summary>
/// Monte Carlo of a finished backtest job's daily returns. The job id depends on the source job (which pins the data)
/// and on every field that changes the paths; the chunk size does not change them (each path has its own stream), so it
/// is not part of the id.
/// </summary>
public sealed record MonteCarloRequest
{
    public required string SourceJob { get; init; }

    public int Paths { get; init; } = 1000;

    public Resampling Method { get; init; } = Resampling.StationaryBootstrap;

    public double MeanBlock { get; init; } = 20;

    /// <summary>Days per path (default: the length of the source series).</summary>
    public int? Length { get; init; }

    public ulong Seed { get; init; } = 1;

    public double Confidence { get; init; } = 0.95;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SourceJob))
        {
            throw new ArgumentException("source job: name the backtest job whose returns to resample.");
        }

        if (Paths is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"paths: {Paths} is not in 1..1,000,000.");
        }

        if (MeanBlock < 1 || !double.IsFinite(MeanBlock))
        {
            throw new ArgumentException($"mean block: {MeanBlock} must be at least 1 session.");
        }

        if (Length is < 2)
        {
            throw new ArgumentException($"length: {Length} must be at least 2 sessions.");
        }

        if (Confidence is <= 0 or >= 1)
        {
            throw new ArgumentException($"confidence: {Confidence} is not in (0, 1).");
        }
    }

    public MonteCarloSpec Spec() => new() { Method = Method, Paths = Paths, MeanBlock = MeanBlock, Length = Length, Seed = Seed };

    /// <summary>The source job and path length (null = the source's length) of a stored <see cref="Canonical"/> spec.</summary>
    public static (string SourceJob, int? Length) SourceOf(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        if (!canonical.StartsWith("montecarlo/v1;", StringComparison.Ordinal))
        {
            throw new FormatException($"'{canonical}' is not a stored Monte Carlo spec (montecarlo/v1).");
        }

        var fields = canonical["montecarlo/v1;".Length..].Split(';').Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("source", out var source) || !fields.TryGetValue("length", out var length))
        {
            throw new FormatException($"'{canonical}' has no source or length.");
        }

        return (source, length == "auto" ? null : int.Parse(length, CultureInfo.InvariantCulture));
    }

    public string Canonical() =>
        $"montecarlo/v1;source={SourceJob};paths={Paths};method={Method};mean_block={MeanBlock.ToString("R", CultureInfo.InvariantCulture)};" +
        $"length={(Length is { } l ? l.ToString(CultureInfo.InvariantCulture) : "auto")};seed={Seed.ToString(CultureInfo.InvariantCulture)};confidence={Confidence.ToString("R", CultureInfo.InvariantCulture)}";
}
