namespace Research.Analytics.Optimization.InteriorPoint;

/// <summary>
/// The Newton direction of the interior-point method with the slacks and multipliers eliminated: solve
/// (P + AᵀΘA) dx = −r_d − Aᵀw, where w gathers the primal residuals and the complementarity targets, then recover
/// ds = A dx + r (lower), −r − A dx (upper) and dz = (c − z ds) / s, and dy = (A dx + r_e) / δ on equality rows. The
/// direction satisfies the linearised KKT system: P dx + Aᵀ dy_total = −r_d, zₗ dsₗ + sₗ dzₗ = cₗ, zᵤ dsᵤ + sᵤ dzᵤ = cᵤ.
/// </summary>
public static class NewtonDirection
{
    /// <summary>
    /// The direction for complementarity targets <paramref name="targetLower"/> (cₗ, for example −sₗzₗ for the affine
    /// step) and <paramref name="targetUpper"/>; <paramref name="solve"/> applies the inverse of P + AᵀΘA (+ a tiny
    /// regularising diagonal), and one pass of iterative refinement against the unregularised matrix recovers the digits
    /// the Woodbury solve loses as Θ spreads over many orders of magnitude near the solution.
    /// </summary>
    public static NewtonStep Solve(IQpStructure structure, InteriorPointIterate iterate, KktResiduals residuals, double[] theta, Func<double[], double[]> solve, double[] targetLower, double[] targetUpper, double regularisation)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(iterate);
        ArgumentNullException.ThrowIfNull(residuals);
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(solve);
        ArgumentNullException.ThrowIfNull(targetLower);
        ArgumentNullException.ThrowIfNull(targetUpper);
        var n = iterate.X.Length;
        var m = theta.Length;
        var (isEq, hasL, hasU) = (iterate.IsEquality, iterate.HasLower, iterate.HasUpper);
        var (sl, su, zl, zu) = (iterate.SLower, iterate.SUpper, iterate.ZLower, iterate.ZUpper);
        var (rl, ru, re) = (residuals.Lower, residuals.Upper, residuals.Equality);
        var w = new double[m];
        for (var i = 0; i < m; i++)
        {
            if (isEq[i])
            {
                w[i] = re[i] / regularisation;
                continue;
            }

            if (hasU[i])
            {
                w[i] += (targetUpper[i] + (zu[i] * ru[i])) / su[i];
            }

            if (hasL[i])
            {
                w[i] -= (targetLower[i] - (zl[i] * rl[i])) / sl[i];
            }
        }

        var atw = structure.MultiplyATranspose(w);
        var rhs = new double[n];
        for (var j = 0; j < n; j++)
        {
            rhs[j] = -residuals.Dual[j] - atw[j];
        }

        var dx = solve(rhs);
        Refine(structure, theta, solve, rhs, dx);

        var adx = structure.MultiplyA(dx);
        var dsl = new double[m];
        var dsu = new double[m];
        var dzl = new double[m];
        var dzu = new double[m];
        var dy = new double[m];
        for (var i = 0; i < m; i++)
        {
            if (isEq[i])
            {
                dy[i] = (adx[i] + re[i]) / regularisation;
                continue;
            }

            if (hasL[i])
            {
                dsl[i] = adx[i] + rl[i];
                dzl[i] = (targetLower[i] - (zl[i] * dsl[i])) / sl[i];
            }

            if (hasU[i])
            {
                dsu[i] = -ru[i] - adx[i];
                dzu[i] = (targetUpper[i] - (zu[i] * dsu[i])) / su[i];
            }
        }

        return new NewtonStep(dx, dsl, dsu, dzl, dzu, dy);
    }

    /// <summary>One pass: dx += solve(rhs − (P + AᵀΘA) dx).</summary>
    private static void Refine(IQpStructure structure, double[] theta, Func<double[], double[]> solve, double[] rhs, double[] dx)
    {
        var adx = structure.MultiplyA(dx);
        for (var i = 0; i < adx.Length; i++)
        {
            adx[i] *= theta[i];
        }

        var pdx = structure.MultiplyP(dx);
        var atadx = structure.MultiplyATranspose(adx);
        var residual = new double[dx.Length];
        for (var j = 0; j < dx.Length; j++)
        {
            residual[j] = rhs[j] - pdx[j] - atadx[j];
        }

        var correction = solve(residual);
        for (var j = 0; j < dx.Length; j++)
        {
            dx[j] += correction[j];
        }
    }
}
