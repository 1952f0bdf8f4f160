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

        var pass = new Pass(dates, assets, signal, returns, [.. options.Horizons.Distinct().Order()], options.Quantiles);
        pass.Run();
        var shortest = pass.HorizonList[0];
        if (pass.SignalValues > 0 && pass.Lost[0] > options.MaxDropShare * pass.SignalValues)
        {
            throw new SignalCoverageException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{pass.Lost[0]:N0} of {pass.SignalValues:N0} signal values ({100.0 * pass.Lost[0] / pass.SignalValues:0.0}%) have no {shortest}-session forward return, above the limit of {100 * options.MaxDropShare:0.#}%: the signal and the returns do not cover the same assets and dates."));
        }

        var horizons = Enumerable.Range(0, pass.HorizonList.Length).Select(pass.Result).ToList();
        return new SignalReport(horizons, HalfLife(horizons), pass.TopTurnover, pass.BottomTurnover, pass.RankAutocorrelation, pass.SignalValues, pass.MissingSignal);
    }

    private static IcSummary Summary(List<double> series, int h)
    {
        var finite = series.Where(double.IsFinite).ToList();
        var mean = finite.Average();
        var sd = Moments.StandardDeviation(finite);
        var t = OlsFit.Fit(finite, [Enumerable.Repeat(1.0, finite.Count).ToArray()], h - 1).NeweyWestT[0];
        return new IcSummary(mean, sd, mean / sd, t, finite.Count(v => v > 0) / (double)finite.Count);
    }

    /// <summary>Pearson correlation with <see cref="Moments.Correlation"/>'s arithmetic (means first, then the centred sums), on spans.</summary>
    private static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length < 2)
        {
            return double.NaN;
        }

        double sx = 0, sy = 0;
        for (var k = 0; k < x.Length; k++)
        {
            sx += x[k];
            sy += y[k];
        }

        var (mx, my) = (sx / x.Length, sy / y.Length);
        double sxy = 0, sxx = 0, syy = 0;
        for (var k = 0; k < x.Length; k++)
        {
            var (dx, dy) = (x[k] - mx, y[k] - my);
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Whether values in ascending order hold a tie (if not, their ranks are 1..n).</summary>
    private static bool HasTies(ReadOnlySpan<double> sorted)
    {
        for (var k = 1; k < sorted.Length; k++)
        {
            if (sorted[k] == sorted[k - 1])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Average ranks (1-based, ties share their mean) of values already in ascending order.</summary>
    private static void RanksOfSorted(ReadOnlySpan<double> sorted, Span<double> ranks)
    {
        for (var start = 0; start < sorted.Length;)
        {
            var end = start;
            while (end + 1 < sorted.Length && sorted[end + 1] == sorted[start])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                ranks[k] = rank;
            }

            start = end + 1;
        }
    }

    /// <summary>
    /// One pass over the dates for every horizon: each date's signal is ordered once by a radix sort (ties by asset index), its forward
    /// returns for all horizons come from one running product per asset (the same multiplications, in the same order, as
    /// Π(1 + r) written out), and each horizon orders only its forward returns. Buffers are allocated once.
    /// </summary>
    private sealed class Pass(DateOnly[] dates, int assets, double[] signal, double[] returns, int[] horizons, int quantiles)
    {
        private readonly List<DateOnly>[] _icDates = [.. horizons.Select(_ => new List<DateOnly>())];
        private readonly List<double>[] _ic = [.. horizons.Select(_ => new List<double>())];
        private readonly List<double>[] _rankIc = [.. horizons.Select(_ => new List<double>())];
        private readonly List<double>[] _spread = [.. horizons.Select(_ => new List<double>())];
        private readonly double[][] _quantileSums = [.. horizons.Select(_ => new double[quantiles])];
        private readonly int[] _quantileDates = new int[horizons.Length];
        private readonly int[] _pairs = new int[horizons.Length];

        public int[] HorizonList => horizons;

        public int SignalValues { get; private set; }

        public int MissingSignal { get; private set; }

        /// <summary>Signal values without a forward return, per horizon.</summary>
        public int[] Lost { get; } = new int[horizons.Length];

        public double TopTurnover { get; private set; }

        public double BottomTurnover { get; private set; }

        public double RankAutocorrelation { get; private set; }

        public void Run()
        {
            var n = dates.Length;
            var maxH = horizons[^1];
            var (sortedKeys, sortedIds, signalRanks) = (new double[assets], new int[assets], new double[assets]);
            var ordinal = new double[assets]; // the ranks of values without ties
            for (var i = 0; i < assets; i++)
            {
                ordinal[i] = i + 1;
            }

            var (signalTies, previousTies) = (false, false);
            var (previousIds, previousCount) = (new int[assets], 0);
            var growth = new double[assets];
            var forward = horizons.Select(_ => new double[assets]).ToArray();
            var (x, y, xr, yr, yKeys) = (new double[assets], new double[assets], new double[assets], new double[assets], new double[assets]);
            var (yItems, keep, order) = (new int[assets], new int[assets], new int[assets]);
            var radix = new RadixOrder();
            var (topDate, bottomDate) = (new int[assets], new int[assets]);
            Array.Fill(topDate, -1);
            Array.Fill(bottomDate, -1);
            var (rankNow, rankBefore) = (new double[assets], new double[assets]);
            var (sums, counts, starts) = (new double[quantiles], new int[quantiles], new int[quantiles + 1]);
            var (commonNow, commonBefore) = (new double[assets], new double[assets]);
            var (top, bottom, auto) = (new List<double>(), new List<double>(), new List<double>());
            var previousDate = -1; // the last signal date, -1 when turnover restarts
            for (var t = 0; t < n; t++)
            {
                var row = signal.AsSpan(t * assets, assets);
                var m = 0;
                for (var i = 0; i < assets; i++)
                {
                    if (double.IsFinite(row[i]))
                    {
                        sortedKeys[m] = row[i];
                        sortedIds[m++] = i;
                    }
                    else if (double.IsFinite(returns[(t * assets) + i]))
                    {
                        MissingSignal++;
                    }
                }

                SignalValues += m;
                if (m == 0)
                {
                    continue; // not a signal date
                }

                // Sorted by value, ties by asset index (the gathered ids are ascending and the order is stable).
                radix.Order(sortedKeys.AsSpan(0, m), order);
                for (var p = 0; p < m; p++)
                {
                    (x[p], yItems[p]) = (sortedKeys[order[p]], sortedIds[order[p]]);
                }

                x.AsSpan(0, m).CopyTo(sortedKeys);
                yItems.AsSpan(0, m).CopyTo(sortedIds);
                signalTies = HasTies(sortedKeys.AsSpan(0, m));
                if (signalTies)
                {
                    RanksOfSorted(sortedKeys.AsSpan(0, m), signalRanks);
                }

                var dateRanks = signalTies ? signalRanks : ordinal;
                Forward(t, n, maxH, growth, forward);
                for (var k = 0; k < horizons.Length; k++)
                {
                    var f = forward[k];
                    var count = 0;
                    double sx = 0, sy = 0;
                    for (var p = 0; p < m; p++)
                    {
                        var v = f[sortedIds[p]];
                        if (double.IsFinite(v))
                        {
                            sx += x[count] = sortedKeys[p];
                            sy += y[count++] = v;
                        }
                    }

                    Lost[k] += m - count;
                    if (count < Math.Max(3, quantiles))
                    {
                        continue;
                    }

                    _pairs[k] += count;
                    var xRanks = dateRanks;
                    if (count < m && signalTies)
                    {
                        RanksOfSorted(x.AsSpan(0, count), xr);
                        xRanks = xr;
                    }

                    radix.Order(y.AsSpan(0, count), yItems);
                    for (var p = 0; p < count; p++)
                    {
                        yKeys[p] = y[yItems[p]];
                    }

                    RanksOfSorted(yKeys.AsSpan(0, count), yKeys); // ranks in sorted order, in place
                    for (var p = 0; p < count; p++)
                    {
                        yr[yItems[p]] = yKeys[p];
                    }

                    // One pass: Pearson on values (means from the filter) and on ranks (average ranks have mean (n + 1) / 2
                    // exactly), and the quantile sums (x is in signal order, so position p is in quantile ⌊p Q / n⌋).
                    var (mx, my, meanRank) = (sx / count, sy / count, (count + 1) / 2.0);
                    double sxy = 0, sxx = 0, syy = 0, rxy = 0, rxx = 0, ryy = 0;
                    QuantileStarts(count, quantiles, starts);
                    for (var q = 0; q < quantiles; q++)
                    {
                        double sum = 0;
                        for (var p = starts[q]; p < starts[q + 1]; p++)
                        {
                            var (dx, dy) = (x[p] - mx, y[p] - my);
                            sxy += dx * dy;
                            sxx += dx * dx;
                            syy += dy * dy;
                            var (ax, ay) = (xRanks[p] - meanRank, yr[p] - meanRank);
                            rxy += ax * ay;
                            rxx += ax * ax;
                            ryy += ay * ay;
                            sum += y[p];
                        }

                        sums[q] = sum;
                        counts[q] = starts[q + 1] - starts[q];
                    }

                    _icDates[k].Add(dates[t]);
                    _ic[k].Add(sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN);
                    _rankIc[k].Add(rxx > 0 && ryy > 0 ? rxy / Math.Sqrt(rxx * ryy) : double.NaN);
                    for (var q = 0; q < quantiles; q++)
                    {
                        _quantileSums[k][q] += sums[q] / counts[q];
                    }

                    _quantileDates[k]++;
                    _spread[k].Add((sums[quantiles - 1] / counts[quantiles - 1]) - (sums[0] / counts[0]));
                }

                // Turnover and rank autocorrelation against the previous signal date.
                if (m < quantiles)
                {
                    previousDate = -1;
                    previousCount = 0;
                    continue;
                }

                if (previousDate >= 0)
                {
                    QuantileStarts(m, quantiles, starts);
                    var (topFrom, bottomTo) = (starts[quantiles - 1], starts[1]);
                    var (topCount, topNew, bottomCount, bottomNew) = (m - topFrom, 0, bottomTo, 0);
                    for (var p = topFrom; p < m; p++)
                    {
                        topNew += topDate[sortedIds[p]] == previousDate ? 0 : 1;
                    }

                    for (var p = 0; p < bottomTo; p++)
                    {
                        bottomNew += bottomDate[sortedIds[p]] == previousDate ? 0 : 1;
                    }

                    top.Add(topNew / (double)topCount);
                    bottom.Add(bottomNew / (double)bottomCount);
                    var before = signal.AsSpan(previousDate * assets, assets);
                    var common = 0;
                    for (var p = 0; p < m; p++)
                    {
                        if (double.IsFinite(before[sortedIds[p]]))
                        {
                            commonNow[common++] = sortedKeys[p];
                        }
                    }

                    if (common >= 3)
                    {
                        // Ranks over the common assets, now (in today's order) and before (in the previous date's order).
                        var nowRanks = ordinal;
                        if (signalTies)
                        {
                            RanksOfSorted(commonNow.AsSpan(0, common), xr);
                            nowRanks = xr;
                        }

                        var c = 0;
                        for (var p = 0; p < m; p++)
                        {
                            if (double.IsFinite(before[sortedIds[p]]))
                            {
                                rankNow[sortedIds[p]] = nowRanks[c++];
                            }
                        }

                        var cb = 0;
                        for (var p = 0; p < previousCount; p++)
                        {
                            if (double.IsFinite(row[previousIds[p]]))
                            {
                                commonBefore[cb] = before[previousIds[p]];
                                keep[cb++] = previousIds[p];
                            }
                        }

                        var beforeRanks = ordinal;
                        if (previousTies)
                        {
                            RanksOfSorted(commonBefore.AsSpan(0, cb), yr);
                            beforeRanks = yr;
                        }

                        for (var p = 0; p < cb; p++)
                        {
                            rankBefore[keep[p]] = beforeRanks[p];
                        }

                        c = 0;
                        for (var p = 0; p < m; p++)
                        {
                            var id = sortedIds[p];
                            if (double.IsFinite(before[id]))
                            {
                                x[c] = rankNow[id];
                                y[c++] = rankBefore[id];
                            }
                        }

                        auto.Add(Correlation(x.AsSpan(0, c), y.AsSpan(0, c)));
                    }
                }

                QuantileStarts(m, quantiles, starts);
                for (var p = starts[quantiles - 1]; p < m; p++)
                {
                    topDate[sortedIds[p]] = t;
                }

                for (var p = 0; p < starts[1]; p++)
                {
                    bottomDate[sortedIds[p]] = t;
                }

                sortedIds.AsSpan(0, m).CopyTo(previousIds);
                previousCount = m;
                previousTies = signalTies;
                previousDate = t;
            }

            TopTurnover = top.Count == 0 ? double.NaN : top.Average();
            BottomTurnover = bottom.Count == 0 ? double.NaN : bottom.Average();
            RankAutocorrelation = auto.Count == 0 ? double.NaN : auto.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        }

        public HorizonAnalytics Result(int k)
        {
            var h = horizons[k];
            var (ic, rankIc, spread) = (_ic[k], _rankIc[k], _spread[k]);
            if (ic.Count < 2)
            {
                throw new SignalCoverageException($"Only {ic.Count} date(s) have at least {Math.Max(3, quantiles)} assets with both a signal and a {h}-session forward return: too little to evaluate.");
            }

            var spreadFit = OlsFit.Fit(spread, [Enumerable.Repeat(1.0, spread.Count).ToArray()], h - 1);
            var spreadMean = spreadFit.Coefficients[0];
            var se = spreadFit.NeweyWestErrors[0];
            return new HorizonAnalytics(h, _icDates[k], ic, rankIc, Summary(ic, h), Summary(rankIc, h), [.. _quantileSums[k].Select(s => s / _quantileDates[k])],
                spreadMean, (spreadMean - (1.96 * se), spreadMean + (1.96 * se)), _pairs[k], Lost[k])
            { SpreadByDate = spread };
        }

        /// <summary>Where each quantile starts among n positions in order: position p is in quantile ⌊p Q / n⌋, so quantile q starts at ⌈q n / Q⌉; starts[Q] = n.</summary>
        private static void QuantileStarts(int n, int quantiles, int[] starts)
        {
            for (var q = 0; q <= quantiles; q++)
            {
                starts[q] = (int)((((long)q * n) + quantiles - 1) / quantiles);
            }
        }

        /// <summary>Forward returns of date t for every horizon: Π_{s=t+1..t+h} (1 + r_s) − 1, NaN past the panel or over a missing return.</summary>
        private void Forward(int t, int n, int maxH, double[] growth, double[][] forward)
        {
            Array.Fill(growth, 1.0);
            var next = 0;
            for (var step = 1; step <= maxH && next < horizons.Length; step++)
            {
                if (t + step >= n)
                {
                    for (; next < horizons.Length; next++)
                    {
                        Array.Fill(forward[next], double.NaN);
                    }

                    break;
                }

                var r = returns.AsSpan((t + step) * assets, assets);
                var g = growth.AsSpan();
                var lanes = System.Numerics.Vector<double>.Count;
                var i = 0;
                for (; i <= assets - lanes; i += lanes)
                {
                    var v = new System.Numerics.Vector<double>(g[i..]) * (System.Numerics.Vector<double>.One + new System.Numerics.Vector<double>(r[i..]));
                    v.CopyTo(g[i..]);
                }

                for (; i < assets; i++)
                {
                    g[i] *= 1 + r[i];
                }

                if (horizons[next] == step)
                {
                    for (var a = 0; a < assets; a++)
                    {
                        forward[next][a] = growth[a] - 1; // NaN propagates from a missing return
                    }

                    next++;
                }
            }
        }
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
