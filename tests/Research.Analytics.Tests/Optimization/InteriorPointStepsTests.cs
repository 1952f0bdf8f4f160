using Research.Analytics.Optimization;
using Research.Analytics.Optimization.InteriorPoint;

namespace Research.Analytics.Tests.Optimization;

/// <summary>
/// The interior-point method's pieces on a problem solved by hand: minimise x0² + 2x1² − x0 − x1 subject to
/// x0 + x1 = 1, 0 ≤ x0 ≤ 0.8, x1 ≥ 0.1. Stationarity gives 2x0 − 1 = 4x1 − 1, so x0 = 2x1: x = (2/3, 1/3), no bound
/// active.
/// </summary>
public sealed class InteriorPointStepsTests
{
    private const double Delta = 1e-9;
    private static readonly double[,] P = { { 2, 0 }, { 0, 4 } };
    private static readonly double[] Q = [-1, -1];
    private static readonly double[] Lower = [1, 0, 0.1];
    private static readonly double[] Upper = [1, 0.8, double.PositiveInfinity];

    private static DenseQpStructure Structure() => new(P, [[1, 1], [1, 0], [0, 1]]);

    [Fact]
    public void The_step_length_stops_a_fraction_short_of_the_nearest_boundary()
    {
        bool[] both = [true, true];
        Assert.Equal(0.5, StepLength.FractionToBoundary([1, 2], [-2, -1], both, [0, 0], [0, 0], [false, false], 1.0));
        Assert.Equal(0.495, StepLength.FractionToBoundary([1, 2], [-2, -1], both, [0, 0], [0, 0], [false, false], 0.99), 15);
        Assert.Equal(0.25, StepLength.FractionToBoundary([1, 2], [1, 1], both, [1, 1], [-4, 0], both, 1.0));
        Assert.Equal(1.0, StepLength.FractionToBoundary([1, 2], [3, 1], both, [1, 1], [0, 5], both, 1.0));
        Assert.Equal(1.0, StepLength.FractionToBoundary([1], [-100], [false], [1], [-100], [false], 1.0)); // rows without that bound do not count
    }

    [Fact]
    public void The_start_and_its_KKT_residuals_are_as_computed_by_hand()
    {
        var iterate = new InteriorPointIterate(Structure(), Lower, Upper);
        Assert.Equal([true, false, false], iterate.IsEquality);
        Assert.Equal([false, true, true], iterate.HasLower);
        Assert.Equal([false, true, false], iterate.HasUpper);
        Assert.Equal(3, iterate.Inequalities);
        Assert.Equal([0, 1, 1], iterate.SLower);
        Assert.Equal([0, 1, 0], iterate.SUpper);

        // y = zᵤ − zₗ + y_eq = (0, 0, −1); r_d = Px + q + Aᵀy = (−1, −1) + (0, −1).
        var r = iterate.Residuals(Structure(), Q);
        Assert.Equal([-1, -2], r.Dual);
        Assert.Equal([-1, 0, 0], r.Equality);
        Assert.Equal([0, -1, -1.1], r.Lower);
        Assert.Equal([0, 0.2, 0], r.Upper.Select(x => Math.Round(x, 15)));
        Assert.Equal((1.1, 2.0, 1.0), (r.Primal, r.DualNorm, r.Mu));
        Assert.Equal([1 / Delta, 2, 1], iterate.Theta(Delta));
    }

    [Fact]
    public void The_Newton_direction_solves_the_linearised_KKT_system()
    {
        var structure = Structure();
        var iterate = new InteriorPointIterate(structure, Lower, Upper);
        var r = iterate.Residuals(structure, Q);
        var theta = iterate.Theta(Delta);
        var solve = structure.Factorise(theta, [Delta, Delta], 1.0);
        double[] targetLower = [0, -0.5, -0.7];
        double[] targetUpper = [0, -0.3, 0];
        var step = NewtonDirection.Solve(structure, iterate, r, theta, solve, targetLower, targetUpper, Delta);

        // Dual: P dx + Aᵀ(dzᵤ − dzₗ + dy) = −r_d.
        var dy = Enumerable.Range(0, 3).Select(i => step.Dzu[i] - step.Dzl[i] + step.Dy[i]).ToArray();
        var pdx = structure.MultiplyP(step.Dx);
        var atdy = structure.MultiplyATranspose(dy);
        for (var j = 0; j < 2; j++)
        {
            Assert.Equal(-r.Dual[j], pdx[j] + atdy[j], 6);
        }

        // Primal: the equality row is met after a full step; slacks move with Ax.
        var adx = structure.MultiplyA(step.Dx);
        Assert.Equal(-r.Equality[0], adx[0], 6);
        Assert.Equal(adx[1] + r.Lower[1], step.Dsl[1], 15);
        Assert.Equal(-r.Upper[1] - adx[1], step.Dsu[1], 15);

        // Complementarity: z ds + s dz = target.
        for (var i = 1; i < 3; i++)
        {
            Assert.Equal(targetLower[i], (iterate.ZLower[i] * step.Dsl[i]) + (iterate.SLower[i] * step.Dzl[i]), 12);
        }

        Assert.Equal(targetUpper[1], (iterate.ZUpper[1] * step.Dsu[1]) + (iterate.SUpper[1] * step.Dzu[1]), 12);
    }

    [Fact]
    public void Predictor_corrector_iterations_stay_interior_and_reach_the_hand_solution()
    {
        var structure = Structure();
        var iterate = new InteriorPointIterate(structure, Lower, Upper);
        var mu = double.PositiveInfinity;
        for (var k = 0; k < 25; k++)
        {
            var r = iterate.Residuals(structure, Q);
            if (r.Mu < 1e-12 && r.Primal < 1e-9 && r.DualNorm < 1e-9)
            {
                break;
            }

            var theta = iterate.Theta(Delta);
            var (step, alphaPrimal, alphaDual) = PredictorCorrector.Next(structure, iterate, r, theta, structure.Factorise(theta, [Delta, Delta], 1.0), Delta);
            Assert.InRange(alphaPrimal, 0, 1);
            Assert.InRange(alphaDual, 0, 1);
            iterate.Advance(step, alphaPrimal, alphaDual);
            Assert.All(new[] { iterate.SLower[1], iterate.SLower[2], iterate.SUpper[1], iterate.ZLower[1], iterate.ZLower[2], iterate.ZUpper[1] }, v => Assert.True(v > 0, $"left the interior: {v}"));
            mu = iterate.Residuals(structure, Q).Mu;
        }

        Assert.True(mu < 1e-10, $"complementarity {mu}");
        Assert.Equal(2.0 / 3, iterate.X[0], 8);
        Assert.Equal(1.0 / 3, iterate.X[1], 8);
    }
}
