using Research.Core.Calendars;

namespace Research.Analytics.Risk;

/// <summary>A factor's forecast volatility, annualised (√(sessions a year) x daily, <see cref="Annualisation"/>).</summary>
public sealed record FactorVolatility(string Name, double AnnualisedVolatility);

/// <summary>What <c>research risk fit</c> reports about a model.</summary>
public sealed record RiskModelSummary(
    DateOnly First,
    DateOnly Last,
    int Days,
    double MeanStocks,
    double MeanRSquared,
    IReadOnlyList<FactorVolatility> Factors,
    string BiasWindow,
    IReadOnlyList<double> BiasStatistics,
    int BiasInBand,
    IReadOnlyDictionary<string, double> FactorBias)
{
    /// <summary>Summary with out-of-sample bias statistics over the last two years (or what there is after the warm-up).</summary>
    public static RiskModelSummary Of(RiskModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var last = model.Dates.Length - 1;
        var lastForecast = model.ForecastIndexOnOrBefore(model.Dates[^1]);
        var factors = model.Factors.Select((f, k) => new FactorVolatility(f, lastForecast >= 0 ? Math.Sqrt(model.Covariance[lastForecast]![(k * model.K) + k] * Annualisation.SessionsPerYear) : double.NaN)).ToList();
        var firstForecast = Array.FindIndex(model.Covariance, c => c is not null);
        var first = Math.Max(firstForecast + 1, last - 503);
        IReadOnlyList<double> bias = [];
        var factorBias = new Dictionary<string, double>(StringComparer.Ordinal);
        var window = "-";
        if (firstForecast >= 0 && last - first >= 60)
        {
            window = $"{model.Dates[first]:yyyy-MM-dd}..{model.Dates[last]:yyyy-MM-dd}";
            try
            {
                bias = RiskModelEvaluation.RandomPortfolioBiasStatistics(model, first, last, 100, Math.Min(50, model.Specific[first - 1]!.Assets.Length / 4), 2024);
            }
            catch (InvalidOperationException)
            {
                bias = [];
            }

            for (var k = 0; k < model.K; k++)
            {
                var z = Enumerable.Range(first, last - first + 1)
                    .Select(d => model.FactorReturns[(d * model.K) + k] / Math.Sqrt(model.Covariance[d - 1]![(k * model.K) + k]))
                    .Where(double.IsFinite).ToList();
                if (z.Count > 2)
                {
                    factorBias[model.Factors[k]] = RiskModelEvaluation.BiasStatistic(z);
                }
            }
        }

        return new RiskModelSummary(model.Dates[0], model.Dates[^1], model.Dates.Length, model.Observations.Average(), model.MeanRSquared(), factors, window,
            bias, bias.Count(b => b is >= 0.9 and <= 1.1), factorBias);
    }
}
