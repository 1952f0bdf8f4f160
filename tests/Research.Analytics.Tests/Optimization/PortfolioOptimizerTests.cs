using MathNet.Numerics.LinearAlgebra;
using Research.Analytics.Optimization;

namespace Research.Analytics.Tests.Optimization;

/// <summary>The optimiser against closed forms, KKT conditions and its own error messages.</summary>
public sealed class PortfolioOptimizerTests
{
    /// <summary>A well-conditioned random covariance: B Bᵀ (factor part) + a diagonal, annual-volatility sized.</summary>
    private static double[][] RandomCovariance(int n, int seed)
    {
        var random = new Random(seed);
        var b = Matrix<double>.Build.Dense(n, 3, (_, _) => (random.NextDouble() - 0.5) * 0.3);
        var sigma = (b * b.Transpose()) + Matrix<double>.Build.DiagonalOfDiagonalArray([.. Enumerable.Range(0, n).Select(_ => 0.01 + (0.05 * random.NextDouble()))]);
        return sigma.ToRowArrays();
    }

    private static double[] RandomReturns(int n, int seed)
    {
        var random = new Random(seed + 1000);
        return [.. Enumerable.Range(0, n).Select(_ => 0.02 + (0.08 * random.NextDouble()))];
    }

    private static string[] Names(int n) => [.. Enumerable.Range(0, n).Select(i => $"A{i}")];

    private static double[] Weights(PortfolioResult result, int n) => [.. Enumerable.Range(0, n).Select(i => result.Weights[$"A{i}"])];

    [Fact]
    public void The_example_from_the_issue_gives_the_two_asset_minimum_variance_weights()
    {
        var spec = PortfolioSpec.Parse("""
            {"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01],[0.01,0.09]],
             "expected_returns":[0.05,0.07],"constraints":{"budget":1.0,"long_only":true}}
            """);
        var result = PortfolioOptimizer.Optimize(spec);
        // w_A = (σ_B² − σ_AB) / (σ_A² + σ_B² − 2σ_AB) = 0.08 / 0.11
        Assert.Equal(0.08 / 0.11, result.Weights["A"], 1e-6);
        Assert.Equal(0.03 / 0.11, result.Weights["B"], 1e-6);
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(20, 2)]
    [InlineData(60, 3)]
    public void Minimum_variance_with_a_budget_equals_the_closed_form(int n, int seed)
    {
        var cov = RandomCovariance(n, seed);
        var result = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "min_variance", Assets = Names(n), Covariance = cov, Constraints = new() { Budget = 1 } });
        var inverseOnes = Matrix<double>.Build.DenseOfRowArrays(cov).Solve(Vector<double>.Build.Dense(n, 1.0));
        var expected = inverseOnes / inverseOnes.Sum();
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(expected[i], Weights(result, n)[i], 1e-6));
    }

    [Theory]
    [InlineData(5, 4, 2.0)]
    [InlineData(30, 5, 5.0)]
    public void Mean_variance_equals_the_closed_form_without_and_with_a_budget(int n, int seed, double lambda)
    {
        var cov = RandomCovariance(n, seed);
        var mu = RandomReturns(n, seed);
        var sigma = Matrix<double>.Build.DenseOfRowArrays(cov);
        var free = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "mean_variance", Assets = Names(n), Covariance = cov, ExpectedReturns = mu, RiskAversion = lambda });
        var expectedFree = sigma.Solve(Vector<double>.Build.DenseOfArray(mu)) / lambda; // w = Σ⁻¹μ / λ
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(expectedFree[i], Weights(free, n)[i], 1e-6));

        var budgeted = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "mean_variance", Assets = Names(n), Covariance = cov, ExpectedReturns = mu, RiskAversion = lambda, Constraints = new() { Budget = 1 } });
        var inverseMu = sigma.Solve(Vector<double>.Build.DenseOfArray(mu));
        var inverseOnes = sigma.Solve(Vector<double>.Build.Dense(n, 1.0));
        var gamma = (inverseMu.Sum() - lambda) / inverseOnes.Sum(); // w = Σ⁻¹(μ − γ1)/λ with 1ᵀw = 1
        var expected = (inverseMu - (gamma * inverseOnes)) / lambda;
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(expected[i], Weights(budgeted, n)[i], 1e-6));
    }

    [Fact]
    public void Maximum_Sharpe_equals_the_tangency_portfolio()
    {
        const int n = 8;
        var cov = RandomCovariance(n, 7);
        var mu = RandomReturns(n, 7);
        var result = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "max_sharpe", Assets = Names(n), Covariance = cov, ExpectedReturns = mu, RiskFreeRate = 0.01, Constraints = new() { Budget = 1 } });
        var tangency = Matrix<double>.Build.DenseOfRowArrays(cov).Solve(Vector<double>.Build.DenseOfArray([.. mu.Select(m => m - 0.01)]));
        tangency /= tangency.Sum();
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(tangency[i], Weights(result, n)[i], 1e-6));
    }

    [Theory]
    [InlineData(10, 11)]
    [InlineData(25, 12)]
    [InlineData(40, 13)]
    public void Constrained_problems_meet_the_KKT_conditions_to_1e_6(int n, int seed)
    {
        var cov = RandomCovariance(n, seed);
        var mu = RandomReturns(n, seed);
        var names = Names(n);
        var initial = names.ToDictionary(a => a, _ => 1.0 / n);
        var specs = new[]
        {
            new PortfolioSpec { Objective = "mean_variance", Assets = names, Covariance = cov, ExpectedReturns = mu, RiskAversion = 3,
                Constraints = new() { Budget = 1, LongOnly = true, MaxPosition = 0.15, Groups = new() { ["first_half"] = new([.. names.Take(n / 2)], Max: 0.4) } } },
            new PortfolioSpec { Objective = "mean_variance", Assets = names, Covariance = cov, ExpectedReturns = mu, RiskAversion = 2,
                Constraints = new() { Budget = 1, MaxPosition = 0.3, GrossLeverage = 1.6, InitialWeights = initial, MaxTurnover = 0.5, LinearCost = 0.001 } },
            new PortfolioSpec { Objective = "tracking_error", Assets = names, Covariance = cov, Benchmark = initial,
                Constraints = new() { Budget = 1, LongOnly = true, MaxWeight = new() { ["A0"] = 0.0, ["A1"] = 0.01 } } },
        };
        foreach (var spec in specs)
        {
            var result = PortfolioOptimizer.Optimize(spec);
            Assert.True(result.PrimalResidual <= 1e-6, $"primal {result.PrimalResidual}");
            Assert.True(result.DualResidual <= 1e-6, $"dual {result.DualResidual}");
            Assert.True(result.ComplementarityResidual <= 1e-6, $"complementarity {result.ComplementarityResidual}");
            Assert.Equal(1.0, result.Weights.Values.Sum(), 1e-6);
        }
    }

    [Fact]
    public void Risk_parity_contributions_are_equal_to_1e_6()
    {
        const int n = 12;
        var result = PortfolioOptimizer.Optimize(new PortfolioSpec { Objective = "risk_parity", Assets = Names(n), Covariance = RandomCovariance(n, 21) });
        var contributions = result.RiskContributions.Values.ToArray();
        Assert.Equal(result.Volatility, contributions.Sum(), 1e-12);
        Assert.All(contributions, c => Assert.Equal(result.Volatility / n, c, 1e-6));
        Assert.All(result.Weights.Values, w => Assert.True(w > 0));
        Assert.Equal(1.0, result.Weights.Values.Sum(), 1e-12);
    }

    [Fact]
    public void An_infeasible_problem_names_the_constraints_that_conflict()
    {
        var names = Names(5);
        var spec = new PortfolioSpec
        {
            Objective = "min_variance",
            Assets = names,
            Covariance = RandomCovariance(5, 31),
            Constraints = new() { Budget = 1, LongOnly = true, MaxWeight = names.ToDictionary(a => a, _ => 0.1) },
        };
        var e = Assert.Throws<InfeasiblePortfolioException>(() => PortfolioOptimizer.Optimize(spec));
        Assert.Contains("budget", e.Constraints);
        Assert.Contains(e.Constraints, c => c.StartsWith("weight_bounds[", StringComparison.Ordinal));
        Assert.Contains("budget", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01],[0.02,0.09]]}""", "symmetric")]
    [InlineData("""{"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01]]}""", "2x2")]
    [InlineData("""{"objective":"mean_variance","assets":["A"],"covariance":[[0.04]]}""", "expected_returns")]
    [InlineData("""{"objective":"min_variance","assets":["A"],"covariance":[[0.04]],"constraints":{"max_weight":{"Z":0.1}}}""", "'Z'")]
    [InlineData("""{"objective":"best","assets":["A"],"covariance":[[0.04]]}""", "objective")]
    [InlineData("""{"objective":"min_variance","assets":["A"],"covariance":[[0.04]],"colour":"red"}""", "colour")]
    public void A_malformed_spec_is_refused_naming_the_field(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => PortfolioSpec.Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
