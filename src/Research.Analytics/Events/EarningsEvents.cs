using System.Globalization;
using Research.Analytics.Factors;

namespace Research.Analytics.Events;

/// <summary>An earnings announcement with its standardised unexpected earnings and its SUE decile.</summary>
public sealed record EarningsEvent(StudyEvent Event, double Sue, int Decile);

/// <summary>
/// Post-earnings-announcement drift (Ball and Brown 1968; Bernard and Thomas 1989): every quarterly report of the
/// panel's point-in-time Compustat data (known on <c>rdq</c>) with its SUE (seasonal random walk on net income, the
/// <c>sue</c> descriptor: the seasonal difference over the sd of the eight before, at least four), sorted into deciles
/// within the calendar quarter of the report (decile 1 the most negative surprises). Each decile is a group of the study.
/// </summary>
public static class EarningsEvents
{
    public static IReadOnlyList<EarningsEvent> FromPanel(EquityPanel panel, int deciles = 10)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentOutOfRangeException.ThrowIfLessThan(deciles, 2);
        if (!panel.HasFundamentals)
        {
            throw new InvalidOperationException("The panel has no fundamentals: earnings events need compustat/quarterly and ccm/links in the warehouse.");
        }

        var context = new DescriptorContext(panel);
        var found = new List<(StudyEvent Event, double Sue)>();
        for (var i = 0; i < panel.Assets; i++)
        {
            foreach (var known in panel.Fundamentals[i].Select(q => q.Known).Distinct())
            {
                var t = Array.BinarySearch(panel.Dates, known);
                t = t >= 0 ? t : ~t;
                if (t >= panel.Sessions || t == 0)
                {
                    continue;
                }

                var sue = context.EarningsSurprise(t, i);
                if (double.IsFinite(sue))
                {
                    var permno = panel.Ids[i];
                    found.Add((new StudyEvent(string.Create(CultureInfo.InvariantCulture, $"{permno}@{known:yyyy-MM-dd}"), permno, known, string.Empty), sue));
                }
            }
        }

        var result = new List<EarningsEvent>(found.Count);
        foreach (var quarter in found.GroupBy(f => (f.Event.Date.Year, Quarter: (f.Event.Date.Month - 1) / 3)).OrderBy(g => g.Key))
        {
            var sorted = quarter.OrderBy(f => f.Sue).ThenBy(f => f.Event.Permno).ToArray();
            for (var r = 0; r < sorted.Length; r++)
            {
                var decile = 1 + (r * deciles / sorted.Length);
                result.Add(new EarningsEvent(sorted[r].Event with { Group = Label(decile) }, sorted[r].Sue, decile));
            }
        }

        return [.. result.OrderBy(e => e.Event.Date).ThenBy(e => e.Event.Permno)];
    }

    /// <summary>The group name of a decile (sorts in order).</summary>
    public static string Label(int decile) => string.Create(CultureInfo.InvariantCulture, $"SUE decile {decile:00}");

    /// <summary>
    /// The drift's spread: mean CAR (test window <paramref name="window"/>) of the highest decile minus the lowest, with
    /// Welch's t (unequal variances), from the study's events.
    /// </summary>
    public static (double Spread, double T, int High, int Low) Spread(EventStudyResult result, int window, int deciles = 10)
    {
        ArgumentNullException.ThrowIfNull(result);
        double[] Cars(string group) => [.. result.Events.Where(e => e.Event.Group == group).Select(e => e.Car[window])];
        var (high, low) = (Cars(Label(deciles)), Cars(Label(1)));
        if (high.Length < 2 || low.Length < 2)
        {
            return (double.NaN, double.NaN, high.Length, low.Length);
        }

        static (double Mean, double Var) Mv(double[] x) => (x.Average(), Math.Pow(Research.Core.Statistics.Moments.StandardDeviation(x), 2));

        var (mh, vh) = Mv(high);
        var (ml, vl) = Mv(low);
        return (mh - ml, (mh - ml) / Math.Sqrt((vh / high.Length) + (vl / low.Length)), high.Length, low.Length);
    }
}
