namespace Research.Analytics.Optimization;

/// <summary>
/// A convex quadratic program: minimise ½ xᵀPx + qᵀx subject to l ≤ Ax ≤ u (a row with l = u is an equality;
/// ±∞ marks a side without a bound). P must be symmetric positive semidefinite. Each constraint row carries a
/// name (e.g. <c>budget</c>, <c>max_weight[AAPL]</c>) so that an infeasible problem can say which constraints conflict.
/// </summary>
public sealed class QpProblem
{
    /// <summary>A dense problem: P as a matrix, constraints as dense rows.</summary>
    public QpProblem(double[,] p, double[] q, IReadOnlyList<QpConstraint> constraints)
        : this(new DenseQpStructure(p ?? throw new ArgumentNullException(nameof(p)), [.. (constraints ?? throw new ArgumentNullException(nameof(constraints))).Select(c => c.Row)]),
               q, [.. constraints.Select(c => c.Name)], [.. constraints.Select(c => c.Lower)], [.. constraints.Select(c => c.Upper)])
    {
        if (p.GetLength(0) != q.Length || p.GetLength(1) != q.Length)
        {
            throw new ArgumentException($"P is {p.GetLength(0)}x{p.GetLength(1)} but q has {q.Length} entries.", nameof(p));
        }

        foreach (var c in constraints)
        {
            if (c.Row.Length != q.Length)
            {
                throw new ArgumentException($"Constraint '{c.Name}' has {c.Row.Length} coefficients for {q.Length} variables.", nameof(constraints));
            }
        }
    }

    /// <summary>A problem over any matrix structure (e.g. <see cref="FactorQpStructure"/>).</summary>
    public QpProblem(IQpStructure structure, double[] q, IReadOnlyList<string> names, double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (q.Length != structure.Variables || names.Count != structure.Rows || lower.Length != structure.Rows || upper.Length != structure.Rows)
        {
            throw new ArgumentException($"Sizes disagree: {structure.Variables} variables and {structure.Rows} rows in the matrices, q {q.Length}, names {names.Count}, bounds {lower.Length}/{upper.Length}.", nameof(q));
        }

        for (var i = 0; i < lower.Length; i++)
        {
            if (lower[i] > upper[i])
            {
                throw new ArgumentException($"Constraint '{names[i]}' has lower bound {lower[i]} above upper bound {upper[i]}.", nameof(lower));
            }
        }

        Structure = structure;
        Q = q;
        Names = names;
        Lower = lower;
        Upper = upper;
    }

    public IQpStructure Structure { get; }

    public double[] Q { get; }

    public IReadOnlyList<string> Names { get; }

    public double[] Lower { get; }

    public double[] Upper { get; }

    public int Variables => Q.Length;

    public int Rows => Lower.Length;
}

/// <summary>One constraint row: <c>Lower ≤ Row·x ≤ Upper</c>.</summary>
public sealed record QpConstraint(string Name, double[] Row, double Lower, double Upper)
{
    public static QpConstraint Equal(string name, double[] row, double value) => new(name, row, value, value);

    public static QpConstraint AtMost(string name, double[] row, double value) => new(name, row, double.NegativeInfinity, value);

    public static QpConstraint AtLeast(string name, double[] row, double value) => new(name, row, value, double.PositiveInfinity);
}

/// <summary>Outcome of a solve.</summary>
public enum QpStatus
{
    Solved,
    PrimalInfeasible,
    DualInfeasible,
    MaxIterations,
}

/// <summary>
/// The solution and its certificates: <see cref="PrimalResidual"/> = max violation of l ≤ Ax ≤ u,
/// <see cref="DualResidual"/> = ‖Px + q + Aᵀy‖∞, <see cref="ComplementarityResidual"/> = max over rows of
/// |y_i| times the distance of (Ax)_i from the bound y_i pushes against (|y_i| itself when that side has no bound).
/// </summary>
public sealed record QpSolution(QpStatus Status, double[] X, double[] Y, double Objective, int Iterations, bool Polished,
    double PrimalResidual, double DualResidual, double ComplementarityResidual, IReadOnlyList<string> ConflictingConstraints);
