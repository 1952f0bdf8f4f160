namespace Research.Analytics.Optimization;

/// <summary>
/// A problem's matrices seen through diagonal scalings (Ruiz equilibration, as in OSQP): P̄ = c·D P D, Ā = E A D.
/// Solves with P̄ + diag(s) + Āᵀ W Ā are D⁻¹ (c·P + diag(s/D²) + Aᵀ (E² W) A)⁻¹ D⁻¹, so the inner structure
/// (dense or factor) factorises an unscaled matrix of the same shape.
/// </summary>
public sealed class ScaledQpStructure(IQpStructure inner, double[] d, double[] e, double c) : IQpStructure
{
    public int Variables => inner.Variables;

    public int Rows => inner.Rows;

    public double[] MultiplyP(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var px = inner.MultiplyP(Times(d, x));
        for (var j = 0; j < px.Length; j++)
        {
            px[j] *= c * d[j];
        }

        return px;
    }

    public double[] MultiplyA(double[] x) => Times(e, inner.MultiplyA(Times(d, x)));

    public double[] MultiplyATranspose(double[] y) => Times(d, inner.MultiplyATranspose(Times(e, y)));

    public Func<double[], double[]> Factorise(double[] rowWeights, double[] diagonal, double pScale)
    {
        ArgumentNullException.ThrowIfNull(rowWeights);
        ArgumentNullException.ThrowIfNull(diagonal);
        var weights = new double[rowWeights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = e[i] * e[i] * rowWeights[i];
        }

        var innerDiagonal = new double[diagonal.Length];
        for (var j = 0; j < innerDiagonal.Length; j++)
        {
            innerDiagonal[j] = diagonal[j] / (d[j] * d[j]);
        }

        var solve = inner.Factorise(weights, innerDiagonal, pScale * c);
        return rhs =>
        {
            var scaled = new double[rhs.Length];
            for (var j = 0; j < rhs.Length; j++)
            {
                scaled[j] = rhs[j] / d[j];
            }

            var x = solve(scaled);
            for (var j = 0; j < x.Length; j++)
            {
                x[j] /= d[j];
            }

            return x;
        };
    }

    public double[] DiagonalP()
    {
        var diagonal = inner.DiagonalP();
        for (var j = 0; j < diagonal.Length; j++)
        {
            diagonal[j] *= c * d[j] * d[j];
        }

        return diagonal;
    }

    public IEnumerable<(int Row, int Column, double Value)> EntriesA() =>
        inner.EntriesA().Select(t => (t.Row, t.Column, e[t.Row] * t.Value * d[t.Column]));

    private static double[] Times(double[] scale, double[] v)
    {
        var result = new double[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            result[i] = scale[i] * v[i];
        }

        return result;
    }

    /// <summary>
    /// Ruiz equilibration: repeatedly divide each column of [P Aᵀ; A 0] and each row of A by the square root of its
    /// largest magnitude (P's columns measured by their diagonal, which bounds them for a PSD matrix), then scale the
    /// cost so that P and q are of order one.
    /// </summary>
    public static (double[] D, double[] E, double C) Equilibrate(QpProblem problem, int iterations = 15)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var n = problem.Variables;
        var m = problem.Rows;
        var pDiagonal = problem.Structure.DiagonalP();
        var entries = problem.Structure.EntriesA().ToArray();
        var d = Enumerable.Repeat(1.0, n).ToArray();
        var e = Enumerable.Repeat(1.0, m).ToArray();
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var column = new double[n];
            var row = new double[m];
            for (var j = 0; j < n; j++)
            {
                column[j] = Math.Abs(pDiagonal[j]) * d[j] * d[j];
            }

            foreach (var (i, j, value) in entries)
            {
                var scaled = Math.Abs(e[i] * value * d[j]);
                column[j] = Math.Max(column[j], scaled);
                row[i] = Math.Max(row[i], scaled);
            }

            for (var j = 0; j < n; j++)
            {
                d[j] *= column[j] > 0 ? Math.Clamp(1 / Math.Sqrt(column[j]), 1e-4, 1e4) : 1;
            }

            for (var i = 0; i < m; i++)
            {
                e[i] *= row[i] > 0 ? Math.Clamp(1 / Math.Sqrt(row[i]), 1e-4, 1e4) : 1;
            }
        }

        var meanP = Enumerable.Range(0, n).Average(j => Math.Abs(pDiagonal[j]) * d[j] * d[j]);
        var maxQ = Enumerable.Range(0, n).Max(j => Math.Abs(problem.Q[j] * d[j]));
        var scale = Math.Max(meanP, maxQ);
        var c = scale > 0 ? Math.Clamp(1 / scale, 1e-4, 1e4) : 1;
        return (d, e, c);
    }
}
