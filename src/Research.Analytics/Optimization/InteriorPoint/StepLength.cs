namespace Research.Analytics.Optimization.InteriorPoint;

/// <summary>How far along a direction the iterate may move and keep its slacks (or multipliers) positive.</summary>
public static class StepLength
{
    /// <summary>
    /// The largest α in (0, 1] with a + α da ≥ (1 − fraction) a and b + α db ≥ (1 − fraction) b on the rows that have
    /// them: min over decreasing components of −fraction · a / da ("fraction to the boundary"; 1 stops at the boundary).
    /// </summary>
    public static double FractionToBoundary(double[] a, double[] da, bool[] hasA, double[] b, double[] db, bool[] hasB, double fraction)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(da);
        ArgumentNullException.ThrowIfNull(hasA);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hasB);
        var alpha = 1.0;
        for (var i = 0; i < a.Length; i++)
        {
            if (hasA[i] && da[i] < 0)
            {
                alpha = Math.Min(alpha, -fraction * a[i] / da[i]);
            }

            if (hasB[i] && db[i] < 0)
            {
                alpha = Math.Min(alpha, -fraction * b[i] / db[i]);
            }
        }

        return alpha;
    }
}
