using Research.Analytics.Optimization.InteriorPoint;

namespace Research.Analytics.Optimization;

/// <summary>
/// A primal-dual interior-point method for the same QPs as <see cref="AdmmQpSolver"/> (Mehrotra's predictor-corrector,
/// as in Nocedal and Wright, "Numerical Optimization", ch. 16 and 19), in steps:
/// <list type="number">
/// <item>Rows with a finite lower bound get a slack sₗ = aᵢx − lᵢ ≥ 0 and a multiplier zₗ ≥ 0; rows with a finite upper
/// bound sᵤ = uᵢ − aᵢx ≥ 0 and zᵤ ≥ 0; equality rows a multiplier through a tiny regularisation δ. y = zᵤ − zₗ (+ y_eq).</item>
/// <item>Each iteration eliminates slacks and multipliers from the Newton system, leaving
/// (P + Aᵀ Θ A) dx = r with Θᵢ = zₗ/sₗ + zᵤ/sᵤ (1/δ on equality rows): the same matrix shape the ADMM step factorises, so
/// the factor structure (Woodbury over the factors and the dense rows) serves here too, once per iteration.</item>
/// <item>Predictor (affine) step, centring σ = (μ_aff/μ)³, corrector with the second-order term; step lengths keep
/// slacks and multipliers positive (fraction to the boundary 0.99, separate primal and dual steps).</item>
/// <item>Stops when the primal, dual and complementarity residuals are below the tolerances in the data's own scale
/// (after the same Ruiz equilibration ADMM uses). Tens of iterations, independent of how many constraints end up active,
/// which is what ADMM's tail struggles with on corner-heavy portfolio problems.</item>
/// </list>
/// The pieces are separate and tested alone: the iterate and its KKT residuals (<see cref="InteriorPointIterate"/>), the
/// Newton direction (<see cref="NewtonDirection"/>), the step length (<see cref="StepLength"/>) and one predictor-corrector
/// iteration (<see cref="PredictorCorrector"/>); this class drives them and decides when to stop.
/// It does not certify infeasibility: when it does not converge the caller falls back to ADMM, which names the
/// conflicting constraints.
/// </summary>
public sealed class InteriorPointQpSolver
{
    /// <summary>The method iterates until every KKT residual of the original (unscaled) problem is at most this...</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>...or, when rounding stops progress first, reports the best iterate as solved if its residuals are at most this (100x stricter than the optimiser's bar of 1e-6).</summary>
    public double AcceptableTolerance { get; init; } = 1e-8;

    public int MaxIterations { get; init; } = 80;

    private const double Regularisation = 1e-9;

    public QpSolution Solve(QpProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var n = problem.Variables;
        var m = problem.Rows;
        var (s, q, l, u, dScale, eScale, cScale) = ScaledQp.Of(problem);

        var iterate = new InteriorPointIterate(s, l, u);
        var qNorm = MaxAbs(q);
        var boundNorm = 0.0;
        for (var i = 0; i < m; i++)
        {
            boundNorm = Math.Max(boundNorm, Math.Max(double.IsFinite(l[i]) ? Math.Abs(l[i]) : 0, double.IsFinite(u[i]) ? Math.Abs(u[i]) : 0));
        }

        (double[] X, double[] Y, double[] Residuals) Unscaled(InteriorPointIterate at)
        {
            var xo = new double[n];
            for (var j = 0; j < n; j++)
            {
                xo[j] = at.X[j] * dScale[j];
            }

            var y = at.Multipliers();
            var yo = new double[m];
            for (var i = 0; i < m; i++)
            {
                yo[i] = y[i] * eScale[i] / cScale;
            }

            return (xo, yo, AdmmQpSolver.Residuals(problem, xo, yo));
        }

        var diagonal = Enumerable.Repeat(Regularisation, n).ToArray();
        var bestMerit = double.PositiveInfinity;
        var bestResidual = double.PositiveInfinity;
        var stalled = 0;
        var best = iterate.Save();
        var status = QpStatus.MaxIterations;
        int iteration;
        for (iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var residuals = iterate.Residuals(s, q);
            if (!residuals.IsFinite)
            {
                break; // numerical breakdown: report the best iterate seen
            }

            var merit = Math.Max(residuals.Primal / (1 + boundNorm), Math.Max(residuals.DualNorm / (1 + qNorm), residuals.Mu));
            if (merit < bestMerit && double.IsPositiveInfinity(bestResidual))
            {
                bestMerit = merit;
                best = iterate.Save();
            }

            if (merit <= 1e-6)
            {
                var residual = Unscaled(iterate).Residuals.Max();
                if (residual < bestResidual)
                {
                    bestResidual = residual;
                    best = iterate.Save();
                    stalled = 0;
                }
                else
                {
                    stalled++;
                }

                // Done: at the target, or rounding has stopped progress at an acceptable point (the next steps only lose digits).
                if (residual <= Tolerance || (stalled >= 1 && bestResidual <= AcceptableTolerance))
                {
                    status = residual <= Tolerance ? QpStatus.Solved : status;
                    break;
                }
            }

            var theta = iterate.Theta(Regularisation);
            var solve = s.Factorise(theta, diagonal, 1.0);
            var (step, alphaPrimal, alphaDual) = PredictorCorrector.Next(s, iterate, residuals, theta, solve, Regularisation);
            iterate.Advance(step, alphaPrimal, alphaDual);
        }

        // Back to the original units from the best iterate; report the residuals of the unscaled problem.
        if (status != QpStatus.Solved)
        {
            iterate.Restore(best);
            if (bestResidual <= AcceptableTolerance)
            {
                status = QpStatus.Solved;
            }
        }

        var (xs, ys, kkt) = Unscaled(iterate);
        var px0 = problem.Structure.MultiplyP(xs);
        var objective = 0.0;
        for (var j = 0; j < n; j++)
        {
            objective += (0.5 * xs[j] * px0[j]) + (problem.Q[j] * xs[j]);
        }

        return new QpSolution(status, xs, ys, objective, Math.Min(iteration, MaxIterations), false, kkt[0], kkt[1], kkt[2], []);
    }

    private static double MaxAbs(double[] v)
    {
        double max = 0;
        foreach (var value in v)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }
}
