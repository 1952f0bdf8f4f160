using System.Text.Json;

namespace Research.Data.Synthetic;

/// <summary>
/// The planted truth of a generated market in one JSON file (<c>truth/model.json</c>): the options it was
/// made with and the parameters a test or a researcher checks estimates against.
/// </summary>
public sealed record SyntheticModelCard
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required string ModelVersion { get; init; }

    public required SyntheticMarketOptions Options { get; init; }

    public required int Securities { get; init; }

    public required int Sessions { get; init; }

    public required IReadOnlyList<string> Factors { get; init; }

    public required IReadOnlyList<string> Industries { get; init; }

    /// <summary>Weights w with sum_j w_j f_industry_j = 0 on every day.</summary>
    public required IReadOnlyList<double> IndustryConstraintWeights { get; init; }

    public required IReadOnlyList<double> FactorDailyVolatility { get; init; }

    public required double AlphaIc { get; init; }

    public required string AlphaIcDefinition { get; init; }

    public required string Notes { get; init; }
}
