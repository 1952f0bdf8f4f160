using Research.Analytics.Optimization;
using Research.Core.Randomness;

namespace Research.Analytics.Risk;

/// <summary>
/// Monte Carlo one-day VaR and expected shortfall under the factor model with fat tails. Each path draws the factor
/// returns f = V √Λ z t-scaled (a multivariate Student-t with <c>ν</c> degrees of freedom and covariance F, from the
/// eigen-decomposition F = V Λ Vᵀ with negative eigenvalues set to zero) and one specific shock with the portfolio's
/// specific volatility √(Σ w_i² s_i), t-distributed with its own mixing draw; the path's return is x·f + that shock.
/// With <c>ν = 0</c> both are normal and the result converges to the parametric VaR. One specific shock for the whole
/// book (instead of one per stock) keeps the specific tail as fat as a single stock's: conservative for a diversified
/// book, exact for one stock. Paths come from <see cref="DeterministicRandom"/> with the given seed: the same inputs give
/// the same numbers on every machine.
/// </summary>
public static class MonteCarloRisk
{
    /// <summary>Portfolio returns of <paramref name="paths"/> simulated days.</summary>
    public static double[] Simulate(FactorModelSpec model, double[] weights, int paths, int degreesOfFreedom, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        if (paths < 100)
        {
            throw new ArgumentException($"Monte Carlo paths: {paths} is fewer than 100.");
        }

        if (degreesOfFreedom is not 0 and (< 3 or > 100))
        {
            throw new ArgumentException($"Monte Carlo degrees of freedom: {degreesOfFreedom} is not 0 (normal) or from 3 to 100.");
        }

        var risk = PortfolioRisk.Decompose(model, weights);
        var k = model.Factors;
        var flat = new double[k * k];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                flat[(a * k) + b] = model.FactorCovariance[a][b];
            }
        }

        // x·f = Σ_j (Vᵀx)_j √λ_j z_j: the draw needs only the K loadings of the portfolio on the eigenvectors.
        var (values, vectors) = SmallLinearAlgebra.Eigen(flat, k);
        var loadings = new double[k];
        for (var j = 0; j < k; j++)
        {
            var projection = 0.0;
            for (var f = 0; f < k; f++)
            {
                projection += vectors[f, j] * risk.Exposures[f];
            }

            loadings[j] = projection * Math.Sqrt(Math.Max(values[j], 0));
        }

        var specific = risk.SpecificVolatility;
        var random = new DeterministicRandom(seed);
        var returns = new double[paths];
        for (var p = 0; p < paths; p++)
        {
            var systematic = 0.0;
            for (var j = 0; j < k; j++)
            {
                systematic += loadings[j] * random.NextGaussian();
            }

            var shock = random.NextGaussian();
            if (degreesOfFreedom > 0)
            {
                systematic *= Mixing(random, degreesOfFreedom);
                shock *= Mixing(random, degreesOfFreedom);
            }

            returns[p] = systematic + (specific * shock);
        }

        return returns;
    }

    /// <summary>√((ν − 2)/χ²_ν): multiplies a normal draw into a Student-t with unit variance.</summary>
    private static double Mixing(DeterministicRandom random, int degreesOfFreedom)
    {
        var chi2 = 0.0;
        for (var i = 0; i < degreesOfFreedom; i++)
        {
            var g = random.NextGaussian();
            chi2 += g * g;
        }

        return Math.Sqrt((degreesOfFreedom - 2.0) / chi2);
    }
}
