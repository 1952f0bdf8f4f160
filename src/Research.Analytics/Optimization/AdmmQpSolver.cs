using MathNet.Numerics.LinearAlgebra;

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
/// <item>Polishing: from the ADMM active set, solve the equality-constrained KKT system once (with iterative
/// refinement) to reach residuals near machine precision; kept only if it is better.</item>
/// </list>
/// This version factorises the dense n x n matrix (MathNet Cholesky); the factor-structured path for thousands of
/// assets builds on the same iteration.
/// </summary>
public sealed class AdmmQpSolver
{
    public double AbsoluteTolerance { get; init; } = 1e-8;

    public double RelativeTolerance { get; init; } = 1e-8;

    public double InfeasibilityTolerance { get; init; } = 1e-7;

    public int MaxIterations { get; init; } = 20_000;

    public bool Polish { get; init; } = true;

    private const double Sigma = 1e-6;
    private const double Alpha = 1.6;

    public QpSolution Solve(QpProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var n = problem.Variables;
        var m = problem.Constraints.Count;
        var p = Matrix<double>.Build.DenseOfArray(problem.P);
        var q = Vector<double>.Build.DenseOfArray(problem.Q);
        var a = Matrix<double>.Build.Dense(m, n, (i, j) => problem.Constraints[i].Row[j]);
        var l = Vector<double>.Build.Dense(m, i => problem.Constraints[i].Lower);
        var u = Vector<double>.Build.Dense(m, i => problem.Constraints[i].Upper);
        var equality = Enumerable.Range(0, m).Select(i => l[i] == u[i]).ToArray();

        var x = Vector<double>.Build.Dense(n);
        var z = Vector<double>.Build.Dense(m);
        var y = Vector<double>.Build.Dense(m);
        var rho = 0.1;
        var factor = Factorise(p, a, equality, rho);
        var status = QpStatus.MaxIterations;
        var iteration = 0;
        for (iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var previousX = x;
            var previousY = y;
            var rhoVector = RhoVector(equality, rho);
            var rhs = (Sigma * x) - q + a.TransposeThisAndMultiply(rhoVector.PointwiseMultiply(z) - y);
            var xTilde = factor.Solve(rhs);
            var zTilde = a * xTilde;
            x = (Alpha * xTilde) + ((1 - Alpha) * x);
            var zRelaxed = (Alpha * zTilde) + ((1 - Alpha) * z);
            var zNext = Project(zRelaxed + y.PointwiseDivide(rhoVector), l, u);
            y = y + rhoVector.PointwiseMultiply(zRelaxed - zNext);
            z = zNext;

            var ax = a * x;
            var px = p * x;
            var aty = a.TransposeThisAndMultiply(y);
            var primal = m == 0 ? 0 : (ax - z).InfinityNorm();
            var dual = (px + q + aty).InfinityNorm();
            var primalScale = m == 0 ? 0 : Math.Max(ax.InfinityNorm(), z.InfinityNorm());
            var dualScale = Math.Max(Math.Max(px.InfinityNorm(), aty.InfinityNorm()), q.InfinityNorm());
            if (primal <= AbsoluteTolerance + (RelativeTolerance * primalScale) && dual <= AbsoluteTolerance + (RelativeTolerance * dualScale))
            {
                status = QpStatus.Solved;
                break;
            }

            if (m > 0 && PrimalInfeasible(a, l, u, y - previousY))
            {
                var dy = y - previousY;
                var scale = dy.InfinityNorm();
                var names = Enumerable.Range(0, m).Where(i => Math.Abs(dy[i]) > 1e-3 * scale).Select(i => problem.Constraints[i].Name).ToList();
                return new QpSolution(QpStatus.PrimalInfeasible, [.. x], [.. y], double.NaN, iteration, false, primal, dual, double.NaN, names);
            }

            if (DualInfeasible(p, q, a, l, u, x - previousX))
            {
                return new QpSolution(QpStatus.DualInfeasible, [.. x], [.. y], double.NegativeInfinity, iteration, false, primal, dual, double.NaN, []);
            }

            if (iteration % 25 == 0 && primal > 0 && dual > 0)
            {
                var ratio = Math.Sqrt((primal / Math.Max(primalScale, 1e-12)) / (dual / Math.Max(dualScale, 1e-12)));
                var proposed = Math.Clamp(rho * ratio, 1e-6, 1e6);
                if (proposed > 5 * rho || proposed < rho / 5)
                {
                    rho = proposed;
                    factor = Factorise(p, a, equality, rho);
                }
            }
        }

        var polished = false;
        if (status == QpStatus.Solved && Polish && PolishSolution(p, q, a, l, u, x, y, z) is { } better)
        {
            if (Residuals(p, q, a, l, u, better.X, better.Y).Max() < Residuals(p, q, a, l, u, x, y).Max())
            {
                (x, y) = better;
                polished = true;
            }
        }

        var (rp, rd, rc) = Residuals(p, q, a, l, u, x, y) switch { var r => (r[0], r[1], r[2]) };
        var objective = (0.5 * x.DotProduct(p * x)) + q.DotProduct(x);
        return new QpSolution(status, [.. x], [.. y], objective, Math.Min(iteration, MaxIterations), polished, rp, rd, rc, []);
    }

    /// <summary>Primal, dual and complementarity residuals of (x, y) for the original problem.</summary>
    public static double[] Residuals(QpProblem problem, double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var m = problem.Constraints.Count;
        var a = Matrix<double>.Build.Dense(m, problem.Variables, (i, j) => problem.Constraints[i].Row[j]);
        return Residuals(Matrix<double>.Build.DenseOfArray(problem.P), Vector<double>.Build.DenseOfArray(problem.Q), a,
            Vector<double>.Build.Dense(m, i => problem.Constraints[i].Lower), Vector<double>.Build.Dense(m, i => problem.Constraints[i].Upper),
            Vector<double>.Build.DenseOfArray(x), Vector<double>.Build.DenseOfArray(y));
    }

    private static double[] Residuals(Matrix<double> p, Vector<double> q, Matrix<double> a, Vector<double> l, Vector<double> u, Vector<double> x, Vector<double> y)
    {
        var ax = a * x;
        double primal = 0, complementarity = 0;
        for (var i = 0; i < ax.Count; i++)
        {
            primal = Math.Max(primal, Math.Max(ax[i] - u[i], l[i] - ax[i]));
            var gap = y[i] > 0 ? u[i] - ax[i] : y[i] < 0 ? ax[i] - l[i] : 0;
            // A multiplier pushing against a side without a bound violates dual feasibility by its own size.
            complementarity = Math.Max(complementarity, double.IsFinite(gap) ? Math.Abs(y[i] * gap) : Math.Abs(y[i]));
        }

        var dual = ((p * x) + q + a.TransposeThisAndMultiply(y)).InfinityNorm();
        return [Math.Max(primal, 0), dual, complementarity];
    }

    private static Vector<double> RhoVector(bool[] equality, double rho) =>
        Vector<double>.Build.Dense(equality.Length, i => equality[i] ? 1e3 * rho : rho);

    private static MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> Factorise(Matrix<double> p, Matrix<double> a, bool[] equality, double rho)
    {
        var r = Matrix<double>.Build.DiagonalOfDiagonalVector(RhoVector(equality, rho));
        var k = p + (Sigma * Matrix<double>.Build.DenseIdentity(p.RowCount)) + (a.TransposeThisAndMultiply(r) * a);
        return k.Cholesky();
    }

    private static Vector<double> Project(Vector<double> v, Vector<double> l, Vector<double> u) =>
        Vector<double>.Build.Dense(v.Count, i => Math.Min(Math.Max(v[i], l[i]), u[i]));

    private bool PrimalInfeasible(Matrix<double> a, Vector<double> l, Vector<double> u, Vector<double> dy)
    {
        var norm = dy.InfinityNorm();
        if (norm < 1e-12)
        {
            return false;
        }

        var eps = InfeasibilityTolerance * norm;
        if (a.TransposeThisAndMultiply(dy).InfinityNorm() > eps)
        {
            return false;
        }

        double support = 0;
        for (var i = 0; i < dy.Count; i++)
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

    private bool DualInfeasible(Matrix<double> p, Vector<double> q, Matrix<double> a, Vector<double> l, Vector<double> u, Vector<double> dx)
    {
        var norm = dx.InfinityNorm();
        if (norm < 1e-12)
        {
            return false;
        }

        var eps = InfeasibilityTolerance * norm;
        if ((p * dx).InfinityNorm() > eps || q.DotProduct(dx) > -eps)
        {
            return false;
        }

        var adx = a * dx;
        for (var i = 0; i < adx.Count; i++)
        {
            var upperOk = double.IsPositiveInfinity(u[i]) ? true : adx[i] <= eps;
            var lowerOk = double.IsNegativeInfinity(l[i]) ? true : adx[i] >= -eps;
            if (!upperOk || !lowerOk)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Solves the KKT system of the active set guessed by ADMM: [P + δI, Aₐᵀ; Aₐ, −δI] with iterative refinement.</summary>
    private static (Vector<double> X, Vector<double> Y)? PolishSolution(Matrix<double> p, Vector<double> q, Matrix<double> a, Vector<double> l, Vector<double> u,
        Vector<double> x, Vector<double> y, Vector<double> z)
    {
        var n = x.Count;
        var active = new List<(int Row, double Bound)>();
        for (var i = 0; i < a.RowCount; i++)
        {
            if (l[i] == u[i])
            {
                active.Add((i, l[i]));
            }
            else if (z[i] - l[i] < -y[i])
            {
                active.Add((i, l[i]));
            }
            else if (u[i] - z[i] < y[i])
            {
                active.Add((i, u[i]));
            }
        }

        var k = active.Count;
        const double delta = 1e-9;
        var kkt = Matrix<double>.Build.Dense(n + k, n + k);
        kkt.SetSubMatrix(0, 0, p);
        for (var r = 0; r < k; r++)
        {
            for (var j = 0; j < n; j++)
            {
                kkt[n + r, j] = a[active[r].Row, j];
                kkt[j, n + r] = a[active[r].Row, j];
            }
        }

        var regularised = kkt.Clone();
        for (var i = 0; i < n + k; i++)
        {
            regularised[i, i] += i < n ? delta : -delta;
        }

        var rhs = Vector<double>.Build.Dense(n + k, i => i < n ? -q[i] : active[i - n].Bound);
        var lu = regularised.LU();
        var solution = lu.Solve(rhs);
        for (var refine = 0; refine < 5; refine++)
        {
            solution += lu.Solve(rhs - (kkt * solution));
        }

        if (solution.Any(v => !double.IsFinite(v)))
        {
            return null;
        }

        var polishedY = Vector<double>.Build.Dense(a.RowCount);
        for (var r = 0; r < k; r++)
        {
            polishedY[active[r].Row] = solution[n + r];
        }

        return (solution.SubVector(0, n), polishedY);
    }
}
