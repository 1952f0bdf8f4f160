namespace Research.Analytics.Alpha;

/// <summary>
/// Multiple-testing corrections of m p-values (adjusted p-values in the input order; reject where adjusted ≤ level),
/// as R's <c>p.adjust</c> and statsmodels' <c>multipletests</c> define them, with p_(1) ≤ ... ≤ p_(m) the sorted values:
/// <list type="bullet">
/// <item>Bonferroni: min(1, m·p). Controls the family-wise error rate.</item>
/// <item>Holm (1979), step-down: adj_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). Controls the FWER, never less powerful than Bonferroni.</item>
/// <item>Benjamini and Hochberg (1995), step-up: adj_(i) = min_{j ≥ i} min(1, m/j·p_(j)). Controls the false discovery rate
/// for independent or positively dependent tests.</item>
/// <item>Benjamini and Yekutieli (2001): BH with m replaced by m·c(m), c(m) = Σ_{k=1..m} 1/k. Controls the FDR under any dependence.</item>
/// </list>
/// </summary>
public static class MultipleTesting
{
    public static double[] Adjust(IReadOnlyList<double> pValues, MultipleTestingMethod method)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var bad = pValues.Select((p, i) => (p, i)).FirstOrDefault(x => !(x.p is >= 0 and <= 1));
        if (pValues.Count > 0 && !(bad.p is >= 0 and <= 1))
        {
            throw new ArgumentException($"p-value {bad.i + 1} is {bad.p}: p-values lie in [0, 1].", nameof(pValues));
        }

        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        switch (method)
        {
            case MultipleTestingMethod.Bonferroni:
                for (var i = 0; i < m; i++)
                {
                    adjusted[i] = Math.Min(1, m * pValues[i]);
                }

                break;
            case MultipleTestingMethod.Holm:
                var running = 0.0;
                for (var r = 0; r < m; r++)
                {
                    running = Math.Max(running, Math.Min(1, (m - r) * pValues[order[r]]));
                    adjusted[order[r]] = running;
                }

                break;
            case MultipleTestingMethod.BenjaminiHochberg:
            case MultipleTestingMethod.BenjaminiYekutieli:
                var scale = method == MultipleTestingMethod.BenjaminiYekutieli ? Enumerable.Range(1, m).Sum(k => 1.0 / k) : 1.0;
                var lowest = 1.0;
                for (var r = m - 1; r >= 0; r--)
                {
                    lowest = Math.Min(lowest, Math.Min(1, m * scale / (r + 1) * pValues[order[r]]));
                    adjusted[order[r]] = lowest;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }

        return adjusted;
    }
}
