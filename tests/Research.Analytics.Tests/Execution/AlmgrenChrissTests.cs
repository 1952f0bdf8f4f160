using Research.Analytics.Execution;

namespace Research.Analytics.Tests.Execution;

/// <summary>
/// Almgren and Chriss (2000), section 4's example: a $50 stock with 30% annual volatility, 5 million shares a day, a spread
/// of 1/8; selling 1,000,000 shares over 5 days in daily steps with λ = 10⁻⁶. The paper's calibration gives σ = 0.95,
/// ε = 1/16, η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷ and κ ≈ 0.6 a day; the closed form must equal the minimum of E + λV found
/// independently (the first-order conditions, a tridiagonal system), beat perturbed schedules, and reduce to the straight
/// line when λ = 0.
/// </summary>
public sealed class AlmgrenChrissTests
{
    private static AlmgrenChrissParameters Paper(double lambda = 1e-6, int intervals = 5) => new(1_000_000, 5, intervals, 0.95, 0.0625, 2.5e-6, 2.5e-7, lambda);

    [Fact]
    public void The_papers_calibration_and_urgency_are_reproduced()
    {
        var (sigma, epsilon, eta, gamma) = AlmgrenChriss.Calibrate(50, 0.3 * 0.3 / 250, 0.125, 5_000_000);
        Assert.Equal(0.95, sigma, 0.005); // 50 × 0.3 / √250 = 0.9487
        Assert.Equal(0.0625, epsilon, 12);
        Assert.Equal(2.5e-6, eta, 15);
        Assert.Equal(2.5e-7, gamma, 15);

        var schedule = AlmgrenChriss.Optimal(Paper());
        Assert.Equal(0.6, schedule.Kappa, 1); // the paper: κ ≈ 0.6/day
        Assert.Equal(Math.Acosh(1 + (0.5 * 1e-6 * 0.95 * 0.95 / (2.5e-6 - 1.25e-7))), schedule.Kappa, 12);
        Assert.Equal(1_000_000, schedule.Holdings[0]);
        Assert.Equal(0, schedule.Holdings[^1]);
        Assert.Equal(1_000_000, schedule.Trades.Sum(), 6);
        Assert.True(schedule.Trades.Zip(schedule.Trades.Skip(1)).All(p => p.First > p.Second), "a risk-averse seller front-loads");
    }

    [Theory]
    [InlineData(1e-6, 5)]
    [InlineData(1e-5, 20)]
    [InlineData(2e-7, 50)]
    public void The_closed_form_is_the_minimum_of_E_plus_lambda_V(double lambda, int intervals)
    {
        var p = Paper(lambda, intervals);
        var schedule = AlmgrenChriss.Optimal(p);

        // First-order conditions of Σ (η̃/τ)(xₖ₋₁ − xₖ)² + λσ²τ Σ xₖ² with x₀ = X, x_N = 0:
        // −(η̃/τ) xₖ₋₁ + (2η̃/τ + λσ²τ) xₖ − (η̃/τ) xₖ₊₁ = 0, solved by the Thomas algorithm.
        var m = intervals - 1;
        var off = -p.EtaTilde / p.Tau;
        var diagonal = (2 * p.EtaTilde / p.Tau) + (lambda * p.Sigma * p.Sigma * p.Tau);
        var c = new double[m];
        var d = new double[m];
        for (var i = 0; i < m; i++)
        {
            var rhs = i == 0 ? -off * p.Shares : 0;
            var denominator = diagonal - (i == 0 ? 0 : off * c[i - 1]);
            c[i] = off / denominator;
            d[i] = (rhs - (i == 0 ? 0 : off * d[i - 1])) / denominator;
        }

        var x = new double[m];
        for (var i = m - 1; i >= 0; i--)
        {
            x[i] = d[i] - (i == m - 1 ? 0 : c[i] * x[i + 1]);
        }

        for (var i = 0; i < m; i++)
        {
            Assert.Equal(x[i], schedule.Holdings[i + 1], 1e-6 * p.Shares);
        }

        var random = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var perturbed = schedule.Holdings.ToArray();
            for (var k = 1; k < intervals; k++)
            {
                perturbed[k] = Math.Clamp(perturbed[k] + ((random.NextDouble() - 0.5) * 0.02 * p.Shares), 0, p.Shares);
            }

            Assert.True(AlmgrenChriss.Evaluate(p, perturbed).Objective >= schedule.Objective - 1e-6);
        }
    }

    [Fact]
    public void Without_risk_aversion_the_schedule_is_the_straight_line_and_its_cost_the_closed_form()
    {
        var p = Paper(lambda: 0);
        var schedule = AlmgrenChriss.Optimal(p);
        Assert.All(schedule.Trades, t => Assert.Equal(200_000, t, 6));
        var expected = (0.5 * p.Gamma * p.Shares * p.Shares) + (p.Epsilon * p.Shares) + (p.EtaTilde * p.Shares * p.Shares / p.Horizon);
        Assert.Equal(expected, schedule.ExpectedCost, 6);
        Assert.Equal(0.95 * 0.95 * 1 * (0.8 * 0.8 + 0.6 * 0.6 + 0.4 * 0.4 + 0.2 * 0.2) * 1e12, schedule.Variance, 1);
    }

    [Fact]
    public void Inputs_without_an_optimum_are_named()
    {
        var error = Assert.Throws<ArgumentException>(() => AlmgrenChriss.Optimal(Paper() with { Eta = 1e-7 }));
        Assert.Contains("temporary impact", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AlmgrenChriss.Optimal(Paper() with { Shares = 0 }));
        Assert.Throws<ArgumentException>(() => AlmgrenChriss.Optimal(Paper() with { RiskAversion = -1 }));
        Assert.Throws<ArgumentException>(() => AlmgrenChriss.Calibrate(50, 0.0004, 0, 1e6));
    }
}
