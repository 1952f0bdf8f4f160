using Research.Analytics.Optimization;

namespace Research.Analytics.Tests.Optimization;

/// <summary>The interior-point method against ADMM and the KKT conditions on small problems.</summary>
public sealed class InteriorPointTests
{
    [Fact]
    public void Long_only_minimum_variance_with_a_budget_matches_ADMM()
    {
        double[,] p = { { 0.04, 0.01, 0.0 }, { 0.01, 0.09, 0.02 }, { 0.0, 0.02, 0.16 } };
        double[] q = [-0.05, -0.07, -0.02];
        var constraints = new List<QpConstraint>
        {
            QpConstraint.Equal("budget", [1, 1, 1], 1),
            new("w0", [1, 0, 0], 0, 0.5),
            new("w1", [0, 1, 0], 0, 0.5),
            new("w2", [0, 0, 1], 0, 0.5),
        };
        var problem = new QpProblem(p, q, constraints);
        var ipm = new InteriorPointQpSolver().Solve(problem);
        var admm = new AdmmQpSolver().Solve(problem);
        Assert.Equal(QpStatus.Solved, ipm.Status);
        Assert.True(ipm.Iterations < 40, $"{ipm.Iterations} iterations");
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(admm.X[j], ipm.X[j], 1e-7);
        }

        Assert.True(ipm.PrimalResidual < 1e-8 && ipm.DualResidual < 1e-8 && ipm.ComplementarityResidual < 1e-8, $"{ipm.PrimalResidual} {ipm.DualResidual} {ipm.ComplementarityResidual}");
    }

    [Fact]
    public void A_large_factor_problem_with_turnover_costs_and_groups_is_solved_by_the_interior_point_method_as_ADMM_solves_it()
    {
        // 600 assets with turnover variables: 1,200 variables, so the optimiser tries the interior-point method first.
        const int n = 600;
        var model = FactorStructureTests.RandomModel(n, 12, 9);
        var random = new Random(10);
        var assets = Enumerable.Range(0, n).Select(i => $"S{i}").ToArray();
        var mu = assets.Select(_ => 0.02 + (0.06 * random.NextDouble())).ToArray();
        var constraints = new PortfolioConstraints
        {
            Budget = 1,
            LongOnly = true,
            MaxPosition = 0.01,
            Groups = Enumerable.Range(0, 6).ToDictionary(g => $"industry{g}", g => new GroupBound([.. assets.Where((_, i) => i % 6 == g)], Min: 0.1, Max: 0.25)),
            InitialWeights = assets.ToDictionary(a => a, _ => 1.0 / n),
            MaxTurnover = 0.5,
            LinearCost = 0.0005,
        };
        var spec = new PortfolioSpec { Objective = "mean_variance", Assets = assets, FactorModel = model, ExpectedReturns = mu, RiskAversion = 4, Constraints = constraints };
        var ipm = PortfolioOptimizer.Optimize(spec);
        var admm = PortfolioOptimizer.Optimize(spec, new AdmmQpSolver()); // an explicit solver: ADMM only
        Assert.True(ipm.Iterations < 60, $"{ipm.Iterations} iterations: not the interior-point path");
        Assert.True(ipm.PrimalResidual <= 1e-8 && ipm.DualResidual <= 1e-8 && ipm.ComplementarityResidual <= 1e-8, $"{ipm.PrimalResidual} {ipm.DualResidual} {ipm.ComplementarityResidual}");
        Assert.All(assets, a => Assert.Equal(admm.Weights[a], ipm.Weights[a], 1e-6));
        Assert.InRange(assets.Sum(a => Math.Abs(ipm.Weights[a] - (1.0 / n))), 0, 0.5 + 1e-8);
    }
}
