namespace Research.Analytics.Optimization;

/// <summary>
/// Our convex QP solver, the ADMM scheme of OSQP (Stellato, Banjac, Goulart, Bemporad and Boyd, "OSQP: an operator
/// splitting solver for quadratic programs", Math. Prog. Comp. 2020), in steps:
/// <list type="number">
/// <item>Split: minimise ½xᵀPx + qᵀx + I(z ∈ [l,u]) subject to Ax = z.</item>
/// <item>Each iteration solves one linear system (P + σI + AᵀRA) x̃ = σx − q + Aᵀ(Rz − y), with R = diag(ρ) (equality rows get
/// 10³ρ), whose matrix changes only when ρ does; then over-relaxes (α = 1.6), projects z onto [l,u] and updates the duals y.</item>
/// <item>Stops when the primal residual ‖Ax − z‖∞ and the dual residual ‖Px + q + Aᵀy‖∞ are below ε_abs + ε_rel·scale.</item>
/// <item>ρ adapts to the ratio of the two residuals (re-factorising only when it moves by 5x).</item>
/// <item>Infeasibility: successive dual differences δy with Aᵀδy ≈ 0 and uᵀδy₊ + lᵀδy₋ &lt; 0 certify a primal
/// infeasible problem; the rows carrying δy are the constraints that conflict. Successive primal differences certify
/// an unbounded one.</item>
/// <item>Polishing: from the ADMM active set, solve the equality-constrained KKT system (with iterative refinement) to
/// reach residuals near machine precision. It is tried already at loose tolerances (10⁻⁴, 10⁻⁶): once the active set
/// is right, the polished point meets the KKT conditions to 10⁻⁹ and the iteration stops there; otherwise ADMM goes on.</item>
/// </list>
/// The matrices come through <see cref="IQpStructure"/>: dense (MathNet Cholesky) for small problems, factor-structured
/// (<see cref="FactorQpStructure"/>, Woodbury) for thousands of assets. Polishing solves the regularised KKT system
/// through the same structure: (P + δI + AₐᵀAₐ/δ) x = −q + Aₐᵀb/δ, then refines against the exact KKT system.
/// </summary>
public sealed class AdmmQpSolver
{
    public double AbsoluteTolerance { get; init; } = 1e-8;

    public double RelativeTolerance { get; init; } = 1e-8;

    public double InfeasibilityTolerance { get; init; } = 1e-7;

    public int MaxIterations { get; init; } = 20_000;

    public bool Polish { get; init; } = true;

    /// <summary>Ruiz equilibration of the data before iterating (OSQP's default).</summary>
    public bool Scale { get; init; } = true;

    /// <summary>Loose tolerances at which polishing is tried before iterating on (relative to 1 + scale).</summary>
    private static readonly double[] EarlyTolerances = [1e-4, 1e-6];

    /// <summary>An early polish is accepted when every KKT residual is at most this.</summary>
    private const double PolishAcceptance = 1e-9;

    /// <summary>Iterations between polishing attempts after the first loose tolerance is met.</summary>
    private const int PolishInterval = 200;

    /// <summary>Primal-dual active-set corrections a polish may make to ADMM's guess.</summary>
    private const int MaxActiveSetPasses = 8;

    private const double Sigma = 1e-6;
    private const double Alpha = 1.6;

    public QpSolution Solve(QpProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var n = problem.Variables;
        var m = problem.Rows;

        // Iterate on the equilibrated problem (P̄ = cDPD, q̄ = cDq, Ā = EAD, l̄ = El, ū = Eu); judge and polish in original units.
        var (s, q, l, u, dScale, eScale, cScale) = ScaledQp.Of(problem, Scale);

        var sigmaVector = Enumerable.Repeat(Sigma, n).ToArray();
        (double[] X, double[] Y, double[] Z) Unscaled(double[] xs, double[] ys, double[] zs) =>
            ([.. xs.Select((v, j) => v * dScale[j])], [.. ys.Select((v, i) => v * eScale[i] / cScale)], [.. zs.Select((v, i) => v / eScale[i])]);
        var equality = Enumerable.Range(0, m).Select(i => l[i] == u[i]).ToArray();

        var x = new double[n];
        var z = new double[m];
        var y = new double[m];
        var rho = 0.1;
        var rhoVector = RhoVector(equality, rho);
        var solve = s.Factorise(rhoVector, sigmaVector, 1.0);
        var status = QpStatus.MaxIterations;
        var stage = 0;
        (double[] X, double[] Y)? polishedEarly = null;
        int iteration;
        for (iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var previousX = x;
            var previousY = y;
            var rz = new double[m];
            for (var i = 0; i < m; i++)
            {
                rz[i] = (rhoVector[i] * z[i]) - y[i];
            }

            var atrz = s.MultiplyATranspose(rz);
            var rhs = new double[n];
            for (var j = 0; j < n; j++)
            {
                rhs[j] = (Sigma * x[j]) - q[j] + atrz[j];
            }

            var xTilde = solve(rhs);
            var zTilde = s.MultiplyA(xTilde);
            var xNext = new double[n];
            for (var j = 0; j < n; j++)
            {
                xNext[j] = (Alpha * xTilde[j]) + ((1 - Alpha) * x[j]);
            }

            var zNext = new double[m];
            var yNext = new double[m];
            for (var i = 0; i < m; i++)
            {
                var relaxed = (Alpha * zTilde[i]) + ((1 - Alpha) * z[i]);
                zNext[i] = Math.Min(Math.Max(relaxed + (y[i] / rhoVector[i]), l[i]), u[i]);
                yNext[i] = y[i] + (rhoVector[i] * (relaxed - zNext[i]));
            }

            x = xNext;
            z = zNext;
            y = yNext;

            var ax = s.MultiplyA(x);
            var px = s.MultiplyP(x);
            var aty = s.MultiplyATranspose(y);
            double primal = 0, primalScale = 0, dual = 0, dualScale = 0;
            for (var i = 0; i < m; i++)
            {
                primal = Math.Max(primal, Math.Abs(ax[i] - z[i]) / eScale[i]);
                primalScale = Math.Max(primalScale, Math.Max(Math.Abs(ax[i]), Math.Abs(z[i])) / eScale[i]);
            }

            for (var j = 0; j < n; j++)
            {
                var unscale = 1 / (cScale * dScale[j]);
                dual = Math.Max(dual, Math.Abs(px[j] + q[j] + aty[j]) * unscale);
                dualScale = Math.Max(dualScale, Math.Max(Math.Max(Math.Abs(px[j]), Math.Abs(aty[j])), Math.Abs(q[j])) * unscale);
            }
            // Early stops: at a loose tolerance, try polishing; an active set that polishes to the final tolerance ends the run.
            while (stage < EarlyTolerances.Length && primal <= EarlyTolerances[stage] * (1 + primalScale) && dual <= EarlyTolerances[stage] * (1 + dualScale))
            {
                stage++;
                var original = Unscaled(x, y, z);
                if (Polish && PolishSolution(problem, original.X, original.Y, original.Z) is { } early && Residuals(problem, early.X, early.Y).Max() <= PolishAcceptance)
                {
                    polishedEarly = early;
                    break;
                }
            }

            // Once the loose tolerance is met, the active set usually settles within a few hundred iterations: keep trying.
            if (polishedEarly is null && Polish && stage > 0 && iteration % PolishInterval == 0)
            {
                var original = Unscaled(x, y, z);
                if (PolishSolution(problem, original.X, original.Y, original.Z) is { } periodic && Residuals(problem, periodic.X, periodic.Y).Max() <= PolishAcceptance)
                {
                    polishedEarly = periodic;
                }
            }

            if (polishedEarly is not null)
            {
                status = QpStatus.Solved;
                break;
            }

            if (primal <= AbsoluteTolerance + (RelativeTolerance * primalScale) && dual <= AbsoluteTolerance + (RelativeTolerance * dualScale))
            {
                status = QpStatus.Solved;
                break;
            }

            var dy = Difference(y, previousY);
            if (m > 0 && PrimalInfeasible(s, l, u, dy))
            {
                var scale = MaxAbs(dy);
                var names = Enumerable.Range(0, m).Where(i => Math.Abs(dy[i]) > 1e-3 * scale).Select(i => problem.Names[i]).ToList();
                return new QpSolution(QpStatus.PrimalInfeasible, Unscaled(x, y, z).X, Unscaled(x, y, z).Y, double.NaN, iteration, false, primal, dual, double.NaN, names);
            }

            if (DualInfeasible(s, q, l, u, Difference(x, previousX)))
            {
                return new QpSolution(QpStatus.DualInfeasible, Unscaled(x, y, z).X, Unscaled(x, y, z).Y, double.NegativeInfinity, iteration, false, primal, dual, double.NaN, []);
            }

            if (iteration % 10 == 0 && primal > 0 && dual > 0)
            {
                // OSQP's estimate, on the scaled quantities the iteration sees.
                double sp = 0, sps = 0, sd = 0, sds = 0;
                for (var i = 0; i < m; i++)
                {
                    sp = Math.Max(sp, Math.Abs(ax[i] - z[i]));
                    sps = Math.Max(sps, Math.Max(Math.Abs(ax[i]), Math.Abs(z[i])));
                }

                for (var j = 0; j < n; j++)
                {
                    sd = Math.Max(sd, Math.Abs(px[j] + q[j] + aty[j]));
                    sds = Math.Max(sds, Math.Max(Math.Max(Math.Abs(px[j]), Math.Abs(aty[j])), Math.Abs(q[j])));
                }

                var ratio = Math.Sqrt((sp / Math.Max(sps, 1e-12)) / Math.Max(sd / Math.Max(sds, 1e-12), 1e-30));
                var proposed = Math.Clamp(rho * ratio, 1e-6, 1e6);
                if (proposed > 5 * rho || proposed < rho / 5)
                {
                    rho = proposed;
                    rhoVector = RhoVector(equality, rho);
                    solve = s.Factorise(rhoVector, sigmaVector, 1.0);
                }
            }
        }

        (x, y, z) = Unscaled(x, y, z);
        var polished = false;
        if (polishedEarly is { } accepted)
        {
            (x, y) = accepted;
            polished = true;
        }
        else if (status == QpStatus.Solved && Polish && PolishSolution(problem, x, y, z) is { } better
            && Residuals(problem, better.X, better.Y).Max() < Residuals(problem, x, y).Max())
        {
            (x, y) = better;
            polished = true;
        }

        var r = Residuals(problem, x, y);
        var px2 = problem.Structure.MultiplyP(x);
        double objective = 0;
        for (var j = 0; j < n; j++)
        {
            objective += (0.5 * x[j] * px2[j]) + (problem.Q[j] * x[j]);
        }

        return new QpSolution(status, x, y, objective, Math.Min(iteration, MaxIterations), polished, r[0], r[1], r[2], []);
    }

    /// <summary>Primal, dual and complementarity residuals of (x, y) for the problem.</summary>
    public static double[] Residuals(QpProblem problem, double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var s = problem.Structure;
        var ax = s.MultiplyA(x);
        double primal = 0, complementarity = 0;
        for (var i = 0; i < ax.Length; i++)
        {
            primal = Math.Max(primal, Math.Max(ax[i] - problem.Upper[i], problem.Lower[i] - ax[i]));
            var gap = y[i] > 0 ? problem.Upper[i] - ax[i] : y[i] < 0 ? ax[i] - problem.Lower[i] : 0;
            // A multiplier pushing against a side without a bound violates dual feasibility by its own size.
            complementarity = Math.Max(complementarity, double.IsFinite(gap) ? Math.Abs(y[i] * gap) : Math.Abs(y[i]));
        }

        var px = s.MultiplyP(x);
        var aty = s.MultiplyATranspose(y);
        double dual = 0;
        for (var j = 0; j < x.Length; j++)
        {
            dual = Math.Max(dual, Math.Abs(px[j] + problem.Q[j] + aty[j]));
        }

        return [Math.Max(primal, 0), dual, complementarity];
    }

    private static double[] RhoVector(bool[] equality, double rho) => [.. equality.Select(e => e ? 1e3 * rho : rho)];

    private static double MaxAbs(double[] v)
    {
        double max = 0;
        foreach (var value in v)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }

    private static double[] Difference(double[] a, double[] b)
    {
        var d = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            d[i] = a[i] - b[i];
        }

        return d;
    }

    private bool PrimalInfeasible(ScaledQpStructure s, double[] l, double[] u, double[] dy)
    {
        var norm = MaxAbs(dy);
        if (norm < 1e-12)
        {
            return false;
        }

        var eps = InfeasibilityTolerance * norm;
        if (MaxAbs(s.MultiplyATranspose(dy)) > eps)
        {
            return false;
        }

        double support = 0;
        for (var i = 0; i < dy.Length; i++)
        {
            if (dy[i] > eps)
            {
                if (double.IsPositiveInfinity(u[i]))
                {
                    return false;
                }

                support += u[i] * dy[i];
            }
            else if (dy[i] < -eps)
            {
                if (double.IsNegativeInfinity(l[i]))
                {
                    return false;
                }

                support += l[i] * dy[i];
            }
        }

        return support < -eps;
    }

    private bool DualInfeasible(ScaledQpStructure s, double[] q, double[] l, double[] u, double[] dx)
    {
        var norm = MaxAbs(dx);
        if (norm < 1e-12)
        {
            return false;
        }

        var eps = InfeasibilityTolerance * norm;
        double qdx = 0;
        for (var j = 0; j < dx.Length; j++)
        {
            qdx += q[j] * dx[j];
        }

        if (MaxAbs(s.MultiplyP(dx)) > eps || qdx > -eps)
        {
            return false;
        }

        var adx = s.MultiplyA(dx);
        for (var i = 0; i < adx.Length; i++)
        {
            var upperOk = double.IsPositiveInfinity(u[i]) || adx[i] <= eps;
            var lowerOk = double.IsNegativeInfinity(l[i]) || adx[i] >= -eps;
            if (!upperOk || !lowerOk)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Guesses the active set from ADMM (equalities; rows whose z sits at a bound the dual pushes against), then solves
    /// the regularised KKT system of that set through the structure, (P + δI + AₐᵀAₐ/δ) x = −q + Aₐᵀb/δ with
    /// y = (Aₐx − b)/δ, refined against the exact (unregularised) KKT system. If the guess was slightly off, a few
    /// primal-dual active-set corrections follow: rows the solution violates join the set at the violated bound,
    /// rows whose multiplier has the wrong sign leave it.
    /// </summary>
    private static (double[] X, double[] Y)? PolishSolution(QpProblem problem, double[] x, double[] y, double[] z)
    {
        var m = problem.Rows;
        var state = new int[m]; // 0 inactive, -1 at lower, +1 at upper, 2 equality
        for (var i = 0; i < m; i++)
        {
            var (l, u) = (problem.Lower[i], problem.Upper[i]);
            state[i] = l == u ? 2 : z[i] - l < -y[i] ? -1 : u - z[i] < y[i] ? 1 : 0;
        }

        (double[] X, double[] Y)? best = null;
        for (var pass = 0; pass < MaxActiveSetPasses; pass++)
        {
            var solved = SolveActiveSet(problem, state);
            if (solved is null)
            {
                return best;
            }

            best = solved;
            var ax = problem.Structure.MultiplyA(solved.Value.X);
            var changed = false;
            for (var i = 0; i < m; i++)
            {
                var (l, u) = (problem.Lower[i], problem.Upper[i]);
                var tolerance = 1e-10 * (1 + Math.Abs(ax[i]));
                switch (state[i])
                {
                    case 0 when ax[i] > u + tolerance:
                        state[i] = 1;
                        changed = true;
                        break;
                    case 0 when ax[i] < l - tolerance:
                        state[i] = -1;
                        changed = true;
                        break;
                    case -1 when solved.Value.Y[i] > 1e-12:
                    case 1 when solved.Value.Y[i] < -1e-12:
                        state[i] = 0;
                        changed = true;
                        break;
                }
            }

            if (!changed)
            {
                break;
            }
        }

        return best;
    }

    private static (double[] X, double[] Y)? SolveActiveSet(QpProblem problem, int[] state)
    {
        const double delta = 1e-7;
        var s = problem.Structure;
        var n = problem.Variables;
        var m = problem.Rows;
        var weights = new double[m];
        var target = new double[m];
        for (var i = 0; i < m; i++)
        {
            if (state[i] != 0)
            {
                weights[i] = 1 / delta;
                target[i] = state[i] == 1 ? problem.Upper[i] : problem.Lower[i];
            }
        }

        var solve = s.Factorise(weights, Enumerable.Repeat(delta, n).ToArray(), 1.0);
        var xs = new double[n];
        var ys = new double[m];

        // Each pass solves K_δ [dx; dy] = [r1; r2] for the exact KKT residuals r1 = −q − Px − Aₐᵀy, r2 = b − Aₐx.
        for (var pass = 0; pass < 12; pass++)
        {
            var px = s.MultiplyP(xs);
            var aty = s.MultiplyATranspose(ys);
            var ax = s.MultiplyA(xs);
            var weightedR2 = new double[m];
            var r2 = new double[m];
            for (var i = 0; i < m; i++)
            {
                r2[i] = weights[i] == 0 ? 0 : target[i] - ax[i];
                weightedR2[i] = weights[i] * r2[i];
            }

            var atr2 = s.MultiplyATranspose(weightedR2);
            var rhs = new double[n];
            for (var j = 0; j < n; j++)
            {
                rhs[j] = -problem.Q[j] - px[j] - aty[j] + atr2[j];
            }

            var dx = solve(rhs);
            var adx = s.MultiplyA(dx);
            for (var j = 0; j < n; j++)
            {
                xs[j] += dx[j];
            }

            for (var i = 0; i < m; i++)
            {
                if (weights[i] != 0)
                {
                    ys[i] += weights[i] * (adx[i] - r2[i]);
                }
            }
        }

        return xs.All(double.IsFinite) && ys.All(double.IsFinite) ? (xs, ys) : null;
    }
}
