using Research.Analytics.Factors;

namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Stage 4a of the risk model fit (<see cref="RiskModelFitter"/>): each stock's raw specific variance, recursively
/// through time: the exponentially weighted mean of squared residuals (<see cref="RiskModelOptions.SpecificHalfLife"/>)
/// with a Newey-West correction (<see cref="RiskModelOptions.SpecificNeweyWestLags"/> lags, floored at a quarter of the
/// plain estimate). Once a stock has 20 residuals, each new one is clipped at <see cref="RiskModelOptions.SpecificTrim"/>
/// times the current estimate, so that one jump does not inflate months of forecasts.
/// </summary>
public sealed class SpecificVarianceStage(FactorExposures exposures, RiskModelOptions options, int assets)
{
    private readonly int _n = assets;

    /// <summary>Per fitted session: each stock's raw specific variance over the next snapshot's universe (NaN with fewer than two residuals), null during the warm-up.</summary>
    public SpecificForecast?[] Estimate(int[] sessions, double[] residuals)
    {
        var lags = options.SpecificNeweyWestLags;
        var lambda = Math.Pow(0.5, 1.0 / options.SpecificHalfLife);
        var sum = new double[_n];
        var weight = new double[_n];
        var count = new int[_n];
        var lagSums = new double[lags * _n];
        var history = new double[lags * _n];
        var result = new SpecificForecast?[sessions.Length];
        for (var d = 0; d < sessions.Length; d++)
        {
            var t = sessions[d];
            for (var i = 0; i < _n; i++)
            {
                var e = residuals[(t * _n) + i];
                if (double.IsNaN(e))
                {
                    continue;
                }

                // A jump (a takeover premium, an earnings shock) would inflate the stock's forecast for months:
                // once there is a history, residuals are clipped at the trim multiple of the current estimate.
                if (count[i] >= 20 && options.SpecificTrim > 0)
                {
                    var bound = options.SpecificTrim * Math.Sqrt(sum[i] / weight[i]);
                    e = Math.Clamp(e, -bound, bound);
                }

                sum[i] = (lambda * sum[i]) + (e * e);
                weight[i] = (lambda * weight[i]) + 1.0;
                for (var l = 0; l < lags; l++)
                {
                    lagSums[(l * _n) + i] = (lambda * lagSums[(l * _n) + i]) + (count[i] > l ? e * history[(l * _n) + i] : 0.0);
                }

                for (var l = lags - 1; l > 0; l--)
                {
                    history[(l * _n) + i] = history[((l - 1) * _n) + i];
                }

                if (lags > 0)
                {
                    history[i] = e;
                }

                count[i]++;
            }

            if (d + 1 < options.WarmUpSessions)
            {
                continue;
            }

            var next = exposures.SnapshotBefore(t + 1);
            var universe = exposures.Snapshots[next].Assets;
            var variance = new double[universe.Length];
            var observed = new int[universe.Length];
            for (var a = 0; a < universe.Length; a++)
            {
                var i = universe[a];
                observed[a] = count[i];
                if (count[i] < 2)
                {
                    variance[a] = double.NaN;
                    continue;
                }

                var plain = sum[i] / weight[i];
                var nw = plain;
                for (var l = 0; l < lags; l++)
                {
                    nw += 2.0 * (1.0 - ((l + 1.0) / (lags + 1.0))) * lagSums[(l * _n) + i] / weight[i];
                }

                variance[a] = Math.Max(nw, 0.25 * plain);
            }

            result[d] = new SpecificForecast(universe, variance, observed);
        }

        return result;
    }
}
