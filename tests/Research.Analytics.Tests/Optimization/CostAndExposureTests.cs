using MathNet.Numerics.LinearAlgebra;
using Research.Analytics.Optimization;

namespace Research.Analytics.Tests.Optimization;

/// <summary>Market-impact costs and factor exposure bounds against closed-form KKT solutions.</summary>
public sealed class CostAndExposureTests
{
    private static readonly string[] Assets = ["A", "B", "C", "D"];

    private static readonly FactorModelSpec Model = new(
        [[1.0, 0.8], [1.0, -0.3], [1.0, 1.5], [1.0, -1.1]],
        [[0.03, 0.004], [0.004, 0.01]],
        [0.02, 0.05, 0.03, 0.04]);

    private static Matrix<double> Sigma()
    {
        var b = Matrix<double>.Build.DenseOfRowArrays(Model.Exposures);
        var f = Matrix<double>.Build.DenseOfRowArrays(Model.FactorCovariance);
        return (b * f * b.Transpose()) + Matrix<double>.Build.DiagonalOfDiagonalArray(Model.SpecificVariance);
    }

    /// <summary>Solves min ½wᵀPw + qᵀw subject to equality rows A w = b (KKT system).</summary>
    private static Vector<double> EqualityQp(Matrix<double> p, Vector<double> q, Matrix<double> a, Vector<double> b)
    {
        var n = p.RowCount;
        var m = a.RowCount;
        var kkt = Matrix<double>.Build.Dense(n + m, n + m);
        kkt.SetSubMatrix(0, 0, p);
        kkt.SetSubMatrix(0, n, a.Transpose());
        kkt.SetSubMatrix(n, 0, a);
        var rhs = Vector<double>.Build.Dense(n + m);
        rhs.SetSubVector(0, n, -q);
        rhs.SetSubVector(n, m, b);
        return kkt.Solve(rhs).SubVector(0, n);
    }

    [Fact]
    public void Market_impact_adds_eta_times_squared_trades_to_the_objective()
    {
        const double eta = 0.05;
        double[] initial = [0.4, 0.4, 0.1, 0.1];
        var spec = new PortfolioSpec
        {
            Objective = "min_variance",
            Assets = Assets,
            FactorModel = Model,
            Constraints = new() { Budget = 1, MarketImpact = eta, InitialWeights = Assets.Select((a, i) => (a, initial[i])).ToDictionary(p => p.a, p => p.Item2) },
        };
        var result = PortfolioOptimizer.Optimize(spec);

        // min ½wᵀΣw + η‖w − w0‖² s.t. 1ᵀw = 1: P = Σ + 2ηI, q = −2η w0.
        var p = Sigma() + (2 * eta * Matrix<double>.Build.DenseIdentity(4));
        var expected = EqualityQp(p, Vector<double>.Build.DenseOfArray(initial) * (-2 * eta), Matrix<double>.Build.Dense(1, 4, 1.0), Vector<double>.Build.Dense(1, 1.0));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(expected[i], result.Weights[Assets[i]], 1e-6));

        // Without impact the same problem trades further from w0.
        var free = PortfolioOptimizer.Optimize(spec with { Constraints = spec.Constraints with { MarketImpact = null } });
        var distance = (PortfolioResult r) => Enumerable.Range(0, 4).Sum(i => Math.Pow(r.Weights[Assets[i]] - initial[i], 2));
        Assert.True(distance(result) < distance(free));
    }

    [Fact]
    public void A_binding_factor_exposure_bound_holds_with_equality_and_matches_the_closed_form()
    {
        var spec = new PortfolioSpec
        {
            Objective = "min_variance",
            Assets = Assets,
            FactorModel = Model,
            FactorNames = ["market", "value"],
            Constraints = new() { Budget = 1, FactorBounds = new() { ["value"] = new ExposureBound(Min: 0.6) } },
        };
        var unconstrained = PortfolioOptimizer.Optimize(spec with { Constraints = new() { Budget = 1 } });
        var exposure = (PortfolioResult r) => Enumerable.Range(0, 4).Sum(i => Model.Exposures[i][1] * r.Weights[Assets[i]]);
        Assert.True(exposure(unconstrained) < 0.6, "the bound must bind for this test to mean something");

        var result = PortfolioOptimizer.Optimize(spec);
        Assert.Equal(0.6, exposure(result), 1e-6);
        var a = Matrix<double>.Build.DenseOfRowArrays([1.0, 1.0, 1.0, 1.0], [.. Model.Exposures.Select(r => r[1])]);
        var expected = EqualityQp(Sigma(), Vector<double>.Build.Dense(4), a, Vector<double>.Build.DenseOfArray([1.0, 0.6]));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(expected[i], result.Weights[Assets[i]], 1e-6));
        Assert.True(result.DualResidual <= 1e-6 && result.PrimalResidual <= 1e-6);
    }

    [Fact]
    public void Factor_bounds_need_named_factors_and_conflicting_bounds_are_named()
    {
        var noNames = Assert.Throws<ArgumentException>(() => PortfolioSpec.Parse("""
            {"objective":"min_variance","assets":["A","B"],"factor_model":{"exposures":[[1],[2]],"factor_covariance":[[0.01]],"specific_variance":[0.01,0.02]},
             "constraints":{"budget":1,"factor_bounds":{"market":{"max":1.2}}}}
            """));
        Assert.Contains("factor_bounds", noNames.Message, StringComparison.Ordinal);

        var spec = PortfolioSpec.Parse("""
            {"objective":"min_variance","assets":["A","B"],"factor_model":{"exposures":[[1],[2]],"factor_covariance":[[0.01]],"specific_variance":[0.01,0.02]},
             "factor_names":["market"],"constraints":{"budget":1,"long_only":true,"factor_bounds":{"market":{"max":0.5}}}}
            """);
        var infeasible = Assert.Throws<InfeasiblePortfolioException>(() => PortfolioOptimizer.Optimize(spec));
        Assert.Contains("factor_exposure[market]", infeasible.Message, StringComparison.Ordinal);

        var unresolved = PortfolioSpec.Parse("""{"objective":"min_variance","assets":["A"],"risk_model":{"date":"2024-06-28"}}""");
        Assert.Contains("risk_model", Assert.Throws<ArgumentException>(() => PortfolioOptimizer.Optimize(unresolved)).Message, StringComparison.Ordinal);
    }
}
