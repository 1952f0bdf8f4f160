using Research.Analytics.Attribution;
using Research.Core.Statistics;

namespace Research.Analytics.Alpha;

/// <summary>
/// A signal's predictive power, in alphalens' conventions (stated in <c>docs/CONCEPTS/alpha-research.md</c>), on dense
/// date x asset panels (row-major <c>[t * assets + i]</c>, NaN = missing):
/// 1. Forward return at horizon h of (t, i): Π_{s = t+1..t+h} (1 + r_{s,i}) − 1, in sessions; missing if any return in
///    the window is, or the window runs past the panel. The signal at t is known at t's close.
/// 2. Per date, over assets with both: IC = Pearson correlation of signal and forward return; rank IC = Spearman
///    (ranks with ties averaged). Dates with fewer than 3 pairs (or fewer than the quantile count) are skipped; fewer
///    than 2 dates left is an error.
/// 3. Summaries: mean, sd (ddof 1), ICIR = mean / sd, the mean's Newey-West t with lag h − 1 (overlapping windows),
///    hit rate.
/// 4. Quantiles per date by signal rank, equal count (bucket = ⌊rank x Q / n⌋, rank 0-based, ties by asset order):
///    mean forward return per quantile, averaged over dates; the spread = top − bottom per date, its mean with a
///    ±1.96 Newey-West interval.
/// 5. Turnover: share of the top (bottom) quantile's names on a date that were not in it on the previous signal date
///    (dates without any signal value are not signal dates); rank autocorrelation: Spearman of the signal with the
///    previous signal date's, over common assets; both averaged over dates.
/// 6. Coverage: signal values, returns without a signal, and signal values lost for want of a forward return; more
///    than <see cref="SignalAnalyticsOptions.MaxDropShare"/> lost at the shortest horizon fails.
/// </summary>
public static class SignalAnalytics
{
    public static SignalReport Evaluate(DateOnly[] dates, int assets, double[] signal, double[] returns, SignalAnalyticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(returns);
        options ??= SignalAnalyticsOptions.Default;
        var n = dates.Length;
        if (signal.Length != n * assets || returns.Length != n * assets)
        {
            throw new ArgumentException($"{n} dates x {assets} assets need {n * assets} cells; the signal has {signal.Length}, the returns {returns.Length}.", nameof(signal));
        }

        if (options.Horizons.Count == 0 || options.Horizons.Any(h => h < 1) || options.Quantiles < 2)
        {
            throw new ArgumentException("Horizons must be positive session counts and there must be at least 2 quantiles.", nameof(options));
        }

        var signalValues = signal.Count(double.IsFinite);
        var missingSignal = Enumerable.Range(0, signal.Length).Count(c => !double.IsFinite(signal[c]) && double.IsFinite(returns[c]));
        var shortest = options.Horizons.Min();
        var lost = Enumerable.Range(0, signal.Length).Count(c => double.IsFinite(signal[c]) && !double.IsFinite(Forward(returns, assets, c / assets, c % assets, shortest, n)));
        if (signalValues > 0 && lost > options.MaxDropShare * signalValues)
        {
            throw new SignalCoverageException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{lost:N0} of {signalValues:N0} signal values ({100.0 * lost / signalValues:0.0}%) have no {shortest}-session forward return, above the limit of {100 * options.MaxDropShare:0.#}%: the signal and the returns do not cover the same assets and dates."));
        }

        var horizons = options.Horizons.Order().Select(h => Horizon(dates, assets, signal, returns, h, options.Quantiles)).ToList();

        var (top, bottom, autocorrelation) = Stability(n, assets, signal, options.Quantiles);
        return new SignalReport(horizons, HalfLife(horizons), top, bottom, autocorrelation, signalValues, missingSignal);
    }

    private static HorizonAnalytics Horizon(DateOnly[] dates, int assets, double[] signal, double[] returns, int h, int quantiles)
    {
        var n = dates.Length;
        var (icDates, ic, rankIc, spread) = (new List<DateOnly>(), new List<double>(), new List<double>(), new List<double>());
        var quantileSums = new double[quantiles];
        var quantileDates = 0;
        var pairs = 0;
        var dropped = 0;
        var x = new List<double>(assets);
        var y = new List<double>(assets);
        for (var t = 0; t < n; t++)
        {
            x.Clear();
            y.Clear();
            for (var i = 0; i < assets; i++)
            {
                var s = signal[(t * assets) + i];
                if (!double.IsFinite(s))
                {
                    continue;
                }

                var forward = Forward(returns, assets, t, i, h, n);
                if (!double.IsFinite(forward))
                {
                    dropped++;
                    continue;
                }

                x.Add(s);
                y.Add(forward);
            }

            if (x.Count < Math.Max(3, quantiles))
            {
                continue;
            }

            pairs += x.Count;
            icDates.Add(dates[t]);
            ic.Add(Moments.Correlation(x, y));
            rankIc.Add(Moments.Correlation(Ranks(x), Ranks(y)));
            var bucketMeans = QuantileMeans(x, y, quantiles);
            for (var q = 0; q < quantiles; q++)
            {
                quantileSums[q] += bucketMeans[q];
            }

            quantileDates++;
            spread.Add(bucketMeans[^1] - bucketMeans[0]);
        }

        if (ic.Count < 2)
        {
            throw new SignalCoverageException($"Only {ic.Count} date(s) have at least {Math.Max(3, quantiles)} assets with both a signal and a {h}-session forward return: too little to evaluate.");
        }

        var spreadFit = OlsFit.Fit(spread, [Enumerable.Repeat(1.0, spread.Count).ToArray()], h - 1);
        var spreadMean = spreadFit.Coefficients[0];
        var se = spreadFit.NeweyWestErrors[0];
        return new HorizonAnalytics(h, icDates, ic, rankIc, Summary(ic, h), Summary(rankIc, h), [.. quantileSums.Select(s => s / quantileDates)],
            spreadMean, (spreadMean - (1.96 * se), spreadMean + (1.96 * se)), pairs, dropped)
        { SpreadByDate = spread };
    }

    private static double Forward(double[] returns, int assets, int t, int i, int h, int n)
    {
        if (t + h >= n)
        {
            return double.NaN;
        }

        var growth = 1.0;
        for (var s = t + 1; s <= t + h; s++)
        {
            growth *= 1 + returns[(s * assets) + i];
        }

        return growth - 1; // NaN propagates from a missing return
    }

    private static IcSummary Summary(List<double> series, int h)
    {
        var finite = series.Where(double.IsFinite).ToList();
        var mean = finite.Average();
        var sd = Moments.StandardDeviation(finite);
        var t = OlsFit.Fit(finite, [Enumerable.Repeat(1.0, finite.Count).ToArray()], h - 1).NeweyWestT[0];
        return new IcSummary(mean, sd, mean / sd, t, finite.Count(v => v > 0) / (double)finite.Count);
    }

    /// <summary>Mean of y in each equal-count bucket of x (bucket = ⌊rank x Q / n⌋, ties by position).</summary>
    private static double[] QuantileMeans(List<double> x, List<double> y, int quantiles)
    {
        var order = Enumerable.Range(0, x.Count).OrderBy(k => x[k]).ThenBy(k => k).ToArray();
        var sums = new double[quantiles];
        var counts = new int[quantiles];
        for (var rank = 0; rank < order.Length; rank++)
        {
            var q = rank * quantiles / order.Length;
            sums[q] += y[order[rank]];
            counts[q]++;
        }

        return [.. sums.Select((s, q) => s / counts[q])];
    }

    /// <summary>Ranks 1..n with ties given their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(k => values[k]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = ((start + end) / 2.0) + 1;
            }

            start = end + 1;
        }

        return ranks;
    }

    private static (double Top, double Bottom, double Autocorrelation) Stability(int n, int assets, double[] signal, int quantiles)
    {
        HashSet<int>? previousTop = null, previousBottom = null;
        double[]? previous = null;
        var (top, bottom, auto) = (new List<double>(), new List<double>(), new List<double>());
        for (var t = 0; t < n; t++)
        {
            var row = signal.AsSpan(t * assets, assets).ToArray();
            var valid = Enumerable.Range(0, assets).Where(i => double.IsFinite(row[i])).ToList();
            if (valid.Count == 0)
            {
                continue; // not a signal date: turnover compares consecutive signal dates
            }

            if (valid.Count < quantiles)
            {
                (previousTop, previousBottom, previous) = (null, null, null);
                continue;
            }

            var order = valid.OrderBy(i => row[i]).ThenBy(i => i).ToList();
            var topSet = order.Where((_, rank) => rank * quantiles / order.Count == quantiles - 1).ToHashSet();
            var bottomSet = order.Where((_, rank) => rank * quantiles / order.Count == 0).ToHashSet();
            if (previousTop is not null)
            {
                top.Add(topSet.Count(i => !previousTop.Contains(i)) / (double)topSet.Count);
                bottom.Add(bottomSet.Count(i => !previousBottom!.Contains(i)) / (double)bottomSet.Count);
                var common = valid.Where(i => double.IsFinite(previous![i])).ToList();
                if (common.Count >= 3)
                {
                    auto.Add(Moments.Correlation(Ranks([.. common.Select(i => row[i])]), Ranks([.. common.Select(i => previous![i])])));
                }
            }

            (previousTop, previousBottom, previous) = (topSet, bottomSet, row);
        }

        return (top.Count == 0 ? double.NaN : top.Average(), bottom.Count == 0 ? double.NaN : bottom.Average(), auto.Count == 0 ? double.NaN : auto.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average());
    }

    private static double? HalfLife(List<HorizonAnalytics> horizons)
    {
        var first = horizons[0].RankIcSummary.Mean;
        if (!(first > 0) || horizons.Count < 2)
        {
            return null;
        }

        for (var k = 1; k < horizons.Count; k++)
        {
            var (h0, h1) = (horizons[k - 1].Horizon, horizons[k].Horizon);
            var (v0, v1) = (horizons[k - 1].RankIcSummary.Mean, horizons[k].RankIcSummary.Mean);
            if (v1 <= first / 2)
            {
                if (v1 <= 0 || v0 <= 0)
                {
                    return h1;
                }

                // log-linear between (h0, v0) and (h1, v1): v(h) = v0 (v1/v0)^((h-h0)/(h1-h0)) = first/2
                return h0 + ((h1 - h0) * Math.Log(first / 2 / v0) / Math.Log(v1 / v0));
            }
        }

        return null;
    }
}
