namespace Research.Analytics.Optimization.InteriorPoint;

/// <summary>
/// The state of the interior-point method on a scaled problem: which rows have a finite lower bound, an upper bound or
/// are equalities, and the iterate (x, the slacks sₗ = Ax − l and sᵤ = u − Ax, their multipliers zₗ, zᵤ ≥ 0, and the
/// equality multipliers). The start is x = 0 with slacks of at least 1 and multipliers 1.
/// </summary>
public sealed class InteriorPointIterate
{
    /// <summary>Starts at x = 0 for the rows l ≤ Ax ≤ u of <paramref name="structure"/> (l = u marks an equality).</summary>
    public InteriorPointIterate(IQpStructure structure, double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        var m = lower.Length;
        Lower = lower;
        Upper = upper;
        HasLower = new bool[m];
        HasUpper = new bool[m];
        IsEquality = new bool[m];
        for (var i = 0; i < m; i++)
        {
            IsEquality[i] = lower[i] == upper[i];
            HasLower[i] = !IsEquality[i] && double.IsFinite(lower[i]);
            HasUpper[i] = !IsEquality[i] && double.IsFinite(upper[i]);
        }

        X = new double[structure.Variables];
        var ax = structure.MultiplyA(X);
        SLower = new double[m];
        SUpper = new double[m];
        ZLower = new double[m];
        ZUpper = new double[m];
        YEquality = new double[m];
        for (var i = 0; i < m; i++)
        {
            SLower[i] = HasLower[i] ? Math.Max(ax[i] - lower[i], 1) : 0;
            SUpper[i] = HasUpper[i] ? Math.Max(upper[i] - ax[i], 1) : 0;
            ZLower[i] = HasLower[i] ? 1 : 0;
            ZUpper[i] = HasUpper[i] ? 1 : 0;
        }

        Inequalities = Enumerable.Range(0, m).Sum(i => (HasLower[i] ? 1 : 0) + (HasUpper[i] ? 1 : 0));
    }

    public double[] Lower { get; }

    public double[] Upper { get; }

    public bool[] HasLower { get; }

    public bool[] HasUpper { get; }

    public bool[] IsEquality { get; }

    /// <summary>Number of finite one-sided bounds (each has a slack and a multiplier).</summary>
    public int Inequalities { get; }

    public double[] X { get; private set; }

    public double[] SLower { get; }

    public double[] SUpper { get; }

    public double[] ZLower { get; private set; }

    public double[] ZUpper { get; private set; }

    public double[] YEquality { get; private set; }

    /// <summary>The row multipliers y = zᵤ − zₗ + y_eq.</summary>
    public double[] Multipliers()
    {
        var y = new double[Lower.Length];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = ZUpper[i] - ZLower[i] + YEquality[i];
        }

        return y;
    }

    /// <summary>The KKT residuals of the problem ½xᵀPx + qᵀx at this iterate.</summary>
    public KktResiduals Residuals(IQpStructure structure, double[] q)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(q);
        var n = X.Length;
        var m = Lower.Length;
        var ax = structure.MultiplyA(X);
        var px = structure.MultiplyP(X);
        var aty = structure.MultiplyATranspose(Multipliers());
        var rd = new double[n];
        for (var j = 0; j < n; j++)
        {
            rd[j] = px[j] + q[j] + aty[j];
        }

        var rl = new double[m];
        var ru = new double[m];
        var re = new double[m];
        double primal = 0, gap = 0;
        for (var i = 0; i < m; i++)
        {
            if (IsEquality[i])
            {
                re[i] = ax[i] - Lower[i];
                primal = Math.Max(primal, Math.Abs(re[i]));
                continue;
            }

            if (HasLower[i])
            {
                rl[i] = ax[i] - Lower[i] - SLower[i];
                primal = Math.Max(primal, Math.Abs(rl[i]));
                gap += SLower[i] * ZLower[i];
            }

            if (HasUpper[i])
            {
                ru[i] = ax[i] + SUpper[i] - Upper[i];
                primal = Math.Max(primal, Math.Abs(ru[i]));
                gap += SUpper[i] * ZUpper[i];
            }
        }

        var dualNorm = 0.0;
        foreach (var value in rd)
        {
            dualNorm = Math.Max(dualNorm, Math.Abs(value));
        }

        return new KktResiduals(rd, rl, ru, re, primal, dualNorm, Inequalities > 0 ? gap / Inequalities : 0);
    }

    /// <summary>Θᵢ = zₗ/sₗ + zᵤ/sᵤ, and 1/δ on equality rows: the row weights of the reduced Newton matrix P + AᵀΘA.</summary>
    public double[] Theta(double regularisation)
    {
        var theta = new double[Lower.Length];
        for (var i = 0; i < theta.Length; i++)
        {
            theta[i] = IsEquality[i] ? 1 / regularisation : (HasLower[i] ? ZLower[i] / SLower[i] : 0) + (HasUpper[i] ? ZUpper[i] / SUpper[i] : 0);
        }

        return theta;
    }

    /// <summary>Moves the primal part (x, slacks) by <paramref name="alphaPrimal"/> and the dual part (multipliers) by <paramref name="alphaDual"/> along <paramref name="step"/>.</summary>
    public void Advance(NewtonStep step, double alphaPrimal, double alphaDual)
    {
        ArgumentNullException.ThrowIfNull(step);
        for (var j = 0; j < X.Length; j++)
        {
            X[j] += alphaPrimal * step.Dx[j];
        }

        for (var i = 0; i < Lower.Length; i++)
        {
            SLower[i] += alphaPrimal * step.Dsl[i];
            SUpper[i] += alphaPrimal * step.Dsu[i];
            ZLower[i] += alphaDual * step.Dzl[i];
            ZUpper[i] += alphaDual * step.Dzu[i];
            YEquality[i] += alphaDual * step.Dy[i];
        }
    }

    /// <summary>A copy of what the answer is read from: x and the multipliers.</summary>
    public (double[] X, double[] ZLower, double[] ZUpper, double[] YEquality) Save() => ([.. X], [.. ZLower], [.. ZUpper], [.. YEquality]);

    /// <summary>Returns to a <see cref="Save"/>d point (the slacks are not needed to read an answer and are left as they are).</summary>
    public void Restore((double[] X, double[] ZLower, double[] ZUpper, double[] YEquality) saved)
    {
        (X, ZLower, ZUpper, YEquality) = saved;
    }
}
