using MathNet.Numerics.LinearAlgebra;
using Research.Analytics.Optimization;

namespace Research.Analytics.Tests.Optimization;

/// <summary>The factor-structured solve gives the dense solve's answer without forming the covariance.</summary>
public sealed class FactorStructureTests
{
    internal static FactorModelSpec RandomModel(int n, int k, int seed)
    {
        var random = new Random(seed);
        var exposures = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, k).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        var a = Matrix<double>.Build.Dense(k, k, (_, _) => (random.NextDouble() - 0.5) * 0.1);
        var factorCovariance = ((a * a.Transpose()) + Matrix<double>.Build.DenseIdentity(k) * 0.001).ToRowArrays();
        var specific = Enumerable.Range(0, n).Select(_ => 0.01 + (0.04 * random.NextDouble())).ToArray();
        return new FactorModelSpec(exposures, factorCovariance, specific);
    }

    internal static double[][] Dense(FactorModelSpec model)
    {
        var b = Matrix<double>.Build.DenseOfRowArrays(model.Exposures);
        var sigma = (b * Matrix<double>.Build.DenseOfRowArrays(model.FactorCovariance) * b.Transpose()) + Matrix<double>.Build.DiagonalOfDiagonalArray(model.SpecificVariance);
        // Symmetrise exactly: the spec checks symmetry to 1e-12.
        return [.. Enumerable.Range(0, sigma.RowCount).Select(i => Enumerable.Range(0, sigma.ColumnCount).Select(j => 0.5 * (sigma[i, j] + sigma[j, i])).ToArray())];
    }

    [Fact]
    public void A_constrained_factor_problem_equals_the_dense_problem_and_meets_KKT_to_1e_6()
    {
        const int n = 150;
        var model = RandomModel(n, 8, 5);
        var random = new Random(6);
        var assets = Enumerable.Range(0, n).Select(i => $"S{i}").ToArray();
        var mu = assets.Select(_ => 0.02 + (0.06 * random.NextDouble())).ToArray();
        var constraints = new PortfolioConstraints
        {
            Budget = 1,
            LongOnly = true,
            MaxPosition = 0.03,
            Groups = Enumerable.Range(0, 5).ToDictionary(g => $"industry{g}", g => new GroupBound([.. assets.Where((_, i) => i % 5 == g)], Min: 0.1, Max: 0.3)),
            InitialWeights = assets.ToDictionary(a => a, _ => 1.0 / n),
            MaxTurnover = 0.6,
            LinearCost = 0.0005,
        };
        var factor = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "mean_variance", Assets = assets, FactorModel = model, ExpectedReturns = mu, RiskAversion = 4, Constraints = constraints });
        var dense = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "mean_variance", Assets = assets, Covariance = Dense(model), ExpectedReturns = mu, RiskAversion = 4, Constraints = constraints });
        Assert.True(factor.PrimalResidual <= 1e-6 && factor.DualResidual <= 1e-6 && factor.ComplementarityResidual <= 1e-6,
            $"KKT residuals {factor.PrimalResidual:E2} {factor.DualResidual:E2} {factor.ComplementarityResidual:E2}");
        Assert.All(assets, a => Assert.Equal(dense.Weights[a], factor.Weights[a], 1e-6));
        Assert.Equal(dense.Volatility, factor.Volatility, 1e-9);
        Assert.Equal(factor.Volatility, factor.RiskContributions.Values.Sum(), 1e-12);
    }
}
