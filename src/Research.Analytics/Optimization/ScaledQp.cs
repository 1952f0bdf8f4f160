namespace Research.Analytics.Optimization;

/// <summary>
/// A QP in the equilibrated units both solvers iterate in: P̄ = cDPD (through <see cref="Structure"/>), q̄ = cDq,
/// Ā = EAD, l̄ = El, ū = Eu, with the scalings <see cref="D"/> (per variable), <see cref="E"/> (per row) and
/// <see cref="C"/> (the cost) to go back: x = D x̄, y = E ȳ / c.
/// </summary>
public sealed record ScaledQp(ScaledQpStructure Structure, double[] Q, double[] Lower, double[] Upper, double[] D, double[] E, double C)
{
    /// <summary>The problem after Ruiz equilibration (<see cref="ScaledQpStructure.Equilibrate"/>), or with unit scalings when <paramref name="equilibrate"/> is false.</summary>
    public static ScaledQp Of(QpProblem problem, bool equilibrate = true)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var n = problem.Variables;
        var m = problem.Rows;
        var (d, e, c) = equilibrate ? ScaledQpStructure.Equilibrate(problem) : (Enumerable.Repeat(1.0, n).ToArray(), Enumerable.Repeat(1.0, m).ToArray(), 1.0);
        var q = new double[n];
        for (var j = 0; j < n; j++)
        {
            q[j] = c * d[j] * problem.Q[j];
        }

        var l = new double[m];
        var u = new double[m];
        for (var i = 0; i < m; i++)
        {
            l[i] = e[i] * problem.Lower[i];
            u[i] = e[i] * problem.Upper[i];
        }

        return new ScaledQp(new ScaledQpStructure(problem.Structure, d, e, c), q, l, u, d, e, c);
    }
}
