using Research.Analytics.Factors;

namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Stage 5 of the risk model fit (<see cref="RiskModelFitter"/>): the volatility regime adjustment (USE4 section 4.3).
/// Each day's cross-sectional bias statistic (the root mean square of realised over predicted factor returns, and of
/// cap-weighted standardised specific returns, each against the previous day's forecast) is averaged with
/// <see cref="RiskModelOptions.VraHalfLife"/>; its square multiplies the factor covariance and the specific variances,
/// so forecasts catch up with a regime change faster than the volatility half-life alone allows.
/// </summary>
public sealed class VolatilityRegimeStage(FactorExposures exposures, RiskModelOptions options, int assets, int k)
{
    private readonly int _n = assets;

    /// <summary>Scales <paramref name="covariance"/> and <paramref name="specific"/> in place by each day's λ²; returns the factor and specific λ per day (1 when off).</summary>
    public (double[] Factor, double[] Specific) Adjust(int[] sessions, double[] factorReturns, double[] residuals, double[]?[] covariance, SpecificForecast?[] specific)
    {
        var days = sessions.Length;
        var factorLambda = Enumerable.Repeat(1.0, days).ToArray();
        var specificLambda = Enumerable.Repeat(1.0, days).ToArray();
        if (!options.VolatilityRegimeAdjustment)
        {
            return (factorLambda, specificLambda);
        }

        var decay = Math.Pow(0.5, 1.0 / options.VraHalfLife);
        double factorSum = 0, specificSum = 0, weight = 0;
        for (var d = 1; d < days; d++)
        {
            if (covariance[d - 1] is { } previous && specific[d - 1] is { } previousSpecific && !double.IsNaN(factorReturns[d * k]))
            {
                var squares = 0.0;
                var counted = 0;
                for (var a = 0; a < k; a++)
                {
                    var f = factorReturns[(d * k) + a];
                    if (previous[(a * k) + a] > 0)
                    {
                        squares += f * f / previous[(a * k) + a];
                        counted++;
                    }
                }

                var t = sessions[d];
                double weighted = 0, capWeight = 0;
                var snapshot = exposures.Snapshots[exposures.SnapshotBefore(t)];
                for (var a = 0; a < previousSpecific.Assets.Length; a++)
                {
                    var i = previousSpecific.Assets[a];
                    var e = residuals[(t * _n) + i];
                    var v = previousSpecific.Variance[a];
                    if (double.IsNaN(e) || !(v > 0))
                    {
                        continue;
                    }

                    var s = Array.BinarySearch(snapshot.Assets, i);
                    var c = s >= 0 ? snapshot.Size[s] : 0.0;
                    weighted += c * e * e / v;
                    capWeight += c;
                }

                factorSum = (decay * factorSum) + (counted > 0 ? squares / counted : 1.0);
                specificSum = (decay * specificSum) + (capWeight > 0 ? weighted / capWeight : 1.0);
                weight = (decay * weight) + 1.0;
            }

            if (weight > 0 && covariance[d] is not null)
            {
                factorLambda[d] = Math.Sqrt(factorSum / weight);
                specificLambda[d] = Math.Sqrt(specificSum / weight);
            }
        }

        // Scale after the statistics are gathered: the bias of a day is measured against the unscaled forecast.
        for (var d = 0; d < days; d++)
        {
            if (covariance[d] is { } cov)
            {
                var scale = factorLambda[d] * factorLambda[d];
                for (var c = 0; c < cov.Length; c++)
                {
                    cov[c] *= scale;
                }
            }

            if (specific[d] is { } s)
            {
                var scale = specificLambda[d] * specificLambda[d];
                for (var a = 0; a < s.Variance.Length; a++)
                {
                    s.Variance[a] *= scale;
                }
            }
        }

        return (factorLambda, specificLambda);
    }
}
