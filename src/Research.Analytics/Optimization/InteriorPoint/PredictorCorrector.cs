namespace Research.Analytics.Optimization.InteriorPoint;

/// <summary>
/// One Mehrotra predictor-corrector iteration (Nocedal and Wright, ch. 16): the affine direction (targets −sz), the
/// complementarity it would reach μ_aff, centring σ = (μ_aff/μ)³, the corrected direction (targets
/// −sz − ds_aff dz_aff + σμ), and separate primal and dual step lengths with fraction to the boundary 0.99.
/// </summary>
public static class PredictorCorrector
{
    /// <summary>Fraction to the boundary of the corrected step.</summary>
    public const double Fraction = 0.99;

    /// <summary>The direction and step lengths from <paramref name="iterate"/>; the caller advances it.</summary>
    public static (NewtonStep Step, double AlphaPrimal, double AlphaDual) Next(IQpStructure structure, InteriorPointIterate iterate, KktResiduals residuals, double[] theta, Func<double[], double[]> solve, double regularisation)
    {
        ArgumentNullException.ThrowIfNull(iterate);
        ArgumentNullException.ThrowIfNull(residuals);
        var m = theta.Length;
        var (hasL, hasU) = (iterate.HasLower, iterate.HasUpper);
        var (sl, su, zl, zu) = (iterate.SLower, iterate.SUpper, iterate.ZLower, iterate.ZUpper);
        var affL = new double[m];
        var affU = new double[m];
        for (var i = 0; i < m; i++)
        {
            affL[i] = hasL[i] ? -sl[i] * zl[i] : 0;
            affU[i] = hasU[i] ? -su[i] * zu[i] : 0;
        }

        var affine = NewtonDirection.Solve(structure, iterate, residuals, theta, solve, affL, affU, regularisation);
        var alphaP = StepLength.FractionToBoundary(sl, affine.Dsl, hasL, su, affine.Dsu, hasU, 1.0);
        var alphaD = StepLength.FractionToBoundary(zl, affine.Dzl, hasL, zu, affine.Dzu, hasU, 1.0);
        var gapAffine = 0.0;
        for (var i = 0; i < m; i++)
        {
            if (hasL[i])
            {
                gapAffine += (sl[i] + (alphaP * affine.Dsl[i])) * (zl[i] + (alphaD * affine.Dzl[i]));
            }

            if (hasU[i])
            {
                gapAffine += (su[i] + (alphaP * affine.Dsu[i])) * (zu[i] + (alphaD * affine.Dzu[i]));
            }
        }

        var mu = residuals.Mu;
        var muAffine = iterate.Inequalities > 0 ? gapAffine / iterate.Inequalities : 0;
        var sigma = mu > 0 ? Math.Pow(muAffine / mu, 3) : 0;
        var cl = new double[m];
        var cu = new double[m];
        for (var i = 0; i < m; i++)
        {
            if (hasL[i])
            {
                cl[i] = (-sl[i] * zl[i]) - (affine.Dsl[i] * affine.Dzl[i]) + (sigma * mu);
            }

            if (hasU[i])
            {
                cu[i] = (-su[i] * zu[i]) - (affine.Dsu[i] * affine.Dzu[i]) + (sigma * mu);
            }
        }

        var step = NewtonDirection.Solve(structure, iterate, residuals, theta, solve, cl, cu, regularisation);
        return (step, StepLength.FractionToBoundary(sl, step.Dsl, hasL, su, step.Dsu, hasU, Fraction), StepLength.FractionToBoundary(zl, step.Dzl, hasL, zu, step.Dzu, hasU, Fraction));
    }
}
