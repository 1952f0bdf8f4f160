namespace Research.Analytics.Microstructure;

/// <summary>A security's Amihud illiquidity over a span: the mean of |r| / dollar volume (× 10⁶: per million dollars traded) and the days it rests on.</summary>
public sealed record AmihudIlliquidity(int Permno, double Illiquidity, int Days);

/// <summary>
/// Amihud (2002) illiquidity: the average over days with trading of |daily return| / dollar volume, scaled by 10⁶ (the
/// price move per million dollars traded). Days without a return or with no volume are left out; a security needs
/// <c>minDays</c> days.
/// </summary>
public static class Amihud
{
    public static double Measure(IReadOnlyList<double> returns, IReadOnlyList<double> dollarVolume, int minDays, out int days)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(dollarVolume);
        if (returns.Count != dollarVolume.Count)
        {
            throw new ArgumentException($"{returns.Count} returns for {dollarVolume.Count} dollar volumes.");
        }

        var sum = 0.0;
        days = 0;
        for (var t = 0; t < returns.Count; t++)
        {
            if (double.IsFinite(returns[t]) && dollarVolume[t] > 0 && double.IsFinite(dollarVolume[t]))
            {
                sum += Math.Abs(returns[t]) / dollarVolume[t];
                days++;
            }
        }

        return days >= minDays && days > 0 ? sum / days * 1e6 : double.NaN;
    }

    /// <summary>Every asset of a panel over its sessions [from, to] (indices), NaN-free results only.</summary>
    public static IReadOnlyList<AmihudIlliquidity> Measure(Factors.EquityPanel panel, int from, int to, int minDays)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var result = new List<AmihudIlliquidity>();
        var n = panel.Assets;
        for (var i = 0; i < n; i++)
        {
            var r = new double[to - from + 1];
            var dv = new double[to - from + 1];
            for (var t = from; t <= to; t++)
            {
                r[t - from] = panel.Returns[(t * n) + i];
                dv[t - from] = panel.DollarVolume[(t * n) + i];
            }

            var illiquidity = Measure(r, dv, minDays, out var days);
            if (double.IsFinite(illiquidity))
            {
                result.Add(new AmihudIlliquidity(panel.Ids[i], illiquidity, days));
            }
        }

        return result;
    }
}
