using Research.Analytics.Attribution;

namespace Research.Analytics.Alpha;

/// <summary>A stretch of an IC series: its dates, mean rank IC and Newey-West t.</summary>
public sealed record IcWindow(DateOnly From, DateOnly To, int Dates, double Mean, double NeweyWestT);

/// <summary>In-sample against out-of-sample IC, and the degradation: 1 − OOS mean / IS mean (positive = the signal weakened).</summary>
public sealed record IcSplit(IcWindow InSample, IcWindow OutOfSample, double Degradation);

/// <summary>
/// Whether a signal's IC holds up over time (the overfitting checks of <c>docs/CONCEPTS/alpha-research.md</c>): an
/// in-sample / out-of-sample split at a date, and consecutive windows of a fixed number of signal dates (walk-forward IC:
/// each window is judged only on its own dates).
/// </summary>
public static class SignalStability
{
    public static IcSplit Split(HorizonAnalytics horizon, DateOnly outOfSampleFrom)
    {
        ArgumentNullException.ThrowIfNull(horizon);
        var dates = horizon.Dates;
        var cut = Enumerable.Range(0, dates.Count).FirstOrDefault(k => dates[k] >= outOfSampleFrom, dates.Count);
        if (cut < 2 || dates.Count - cut < 2)
        {
            throw new ArgumentException($"The split at {outOfSampleFrom:yyyy-MM-dd} leaves {cut} in-sample and {dates.Count - cut} out-of-sample IC dates; each side needs at least 2.", nameof(outOfSampleFrom));
        }

        var inSample = Window(horizon, 0, cut);
        var outOfSample = Window(horizon, cut, dates.Count);
        return new IcSplit(inSample, outOfSample, inSample.Mean != 0 ? 1 - (outOfSample.Mean / inSample.Mean) : double.NaN);
    }

    /// <summary>Consecutive windows of <paramref name="size"/> IC dates (the last may be shorter, but not under half).</summary>
    public static IReadOnlyList<IcWindow> Windows(HorizonAnalytics horizon, int size)
    {
        ArgumentNullException.ThrowIfNull(horizon);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        var windows = new List<IcWindow>();
        for (var start = 0; start < horizon.Dates.Count; start += size)
        {
            var end = Math.Min(start + size, horizon.Dates.Count);
            if (end - start >= Math.Max(2, size / 2))
            {
                windows.Add(Window(horizon, start, end));
            }
        }

        return windows;
    }

    private static IcWindow Window(HorizonAnalytics horizon, int from, int to)
    {
        var series = horizon.RankIc.Skip(from).Take(to - from).Where(double.IsFinite).ToArray();
        var fit = OlsFit.Fit(series, [Enumerable.Repeat(1.0, series.Length).ToArray()], Math.Min(horizon.Horizon - 1, series.Length - 2));
        return new IcWindow(horizon.Dates[from], horizon.Dates[to - 1], series.Length, fit.Coefficients[0], fit.NeweyWestT[0]);
    }

    /// <summary>
    /// The mean over dates of the cross-sectional Spearman correlation between every pair of signals (assets with both);
    /// NaN for a pair that never shares 3 assets on a date.
    /// </summary>
    public static double[,] CorrelationMatrix(int dates, int assets, IReadOnlyList<double[]> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var k = signals.Count;
        var matrix = new double[k, k];
        for (var a = 0; a < k; a++)
        {
            matrix[a, a] = 1;
            for (var b = a + 1; b < k; b++)
            {
                var sum = 0.0;
                var count = 0;
                for (var t = 0; t < dates; t++)
                {
                    var both = Enumerable.Range(0, assets).Where(i => double.IsFinite(signals[a][(t * assets) + i]) && double.IsFinite(signals[b][(t * assets) + i])).ToArray();
                    if (both.Length < 3)
                    {
                        continue;
                    }

                    var r = Research.Core.Statistics.Moments.Correlation(
                        SignalAnalytics.Ranks([.. both.Select(i => signals[a][(t * assets) + i])]), SignalAnalytics.Ranks([.. both.Select(i => signals[b][(t * assets) + i])]));
                    if (double.IsFinite(r))
                    {
                        sum += r;
                        count++;
                    }
                }

                matrix[a, b] = matrix[b, a] = count > 0 ? sum / count : double.NaN;
            }
        }

        return matrix;
    }
}
