namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Stage 2 of the risk model fit (<see cref="RiskModelFitter"/>): the factor covariance of each day, from the factor
/// returns up to and including that day. Volatilities and correlations are estimated with separate half-lives
/// (<see cref="RiskModelOptions.VolatilityHalfLife"/>, <see cref="RiskModelOptions.CorrelationHalfLife"/>), each an
/// <see cref="EwmaCovariance"/> with <see cref="RiskModelOptions.FactorNeweyWestLags"/> lags, and combined as
/// F_ab = ρ_ab σ_a σ_b (USE4: D C D). Days without factor returns (NaN) are skipped; no forecast before
/// <see cref="RiskModelOptions.WarmUpSessions"/> observations.
/// </summary>
public static class FactorCovarianceStage
{
    /// <summary>One forecast per day (row-major k x k), null before the warm-up and on days without returns.</summary>
    public static double[]?[] Estimate(double[] factorReturns, int days, int k, RiskModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(factorReturns);
        ArgumentNullException.ThrowIfNull(options);
        var lags = options.FactorNeweyWestLags;
        var volatility = new EwmaCovariance(k, lags, options.VolatilityHalfLife);
        var correlation = new EwmaCovariance(k, lags, options.CorrelationHalfLife);
        var result = new double[]?[days];
        for (var d = 0; d < days; d++)
        {
            var f = factorReturns.AsSpan(d * k, k);
            if (double.IsNaN(f[0]))
            {
                continue;
            }

            volatility.Add(f);
            correlation.Add(f);
            if (volatility.Count < options.WarmUpSessions)
            {
                continue;
            }

            var v = volatility.Covariance();
            var c = correlation.Covariance();
            var cov = new double[k * k];
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    var denominator = Math.Sqrt(c[(a * k) + a] * c[(b * k) + b]);
                    var rho = a == b ? 1.0 : denominator > 0 ? c[(a * k) + b] / denominator : 0.0;
                    cov[(a * k) + b] = rho * Math.Sqrt(v[(a * k) + a] * v[(b * k) + b]);
                }
            }

            result[d] = cov;
        }

        return result;
    }
}
