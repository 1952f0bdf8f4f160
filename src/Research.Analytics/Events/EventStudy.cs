using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Research.Analytics.Events;

/// <summary>
/// A short-horizon event study (MacKinlay 1997; Kothari and Warner 2007) on daily returns. Per event: day 0 is the first
/// session on or after its date; the normal-return model is fitted by OLS on the estimation window's returns (at least
/// <see cref="EventStudyOptions.MinEstimationDays"/>), and the event window's returns must all be present (an event
/// delisted or missing a return inside it is left out, with the day named). Per group and test window:
/// <list type="bullet">
/// <item>CAAR with the cross-sectional t and its interval; BHAR = Π(1 + R) − Π(1 + E[R]) likewise;</item>
/// <item>Patell (1976): SAR = AR / (s √c_t), c_t = 1 + x_t'(X'X)⁻¹x_t the forecast-error factor (1 for market-adjusted
/// returns); SCAR = Σ SAR / √(L (T − k)/(T − k − 2)); Z = Σ SCAR / √N;</item>
/// <item>BMP (Boehmer, Musumeci and Poulsen 1991): t of Σ SAR / √L across events; Kolari and Pynnönen (2010): that t
/// times √((1 − r̄)/(1 + (N − 1) r̄)), r̄ the average pairwise correlation of estimation residuals on shared sessions;</item>
/// <item>rank (Corrado 1989, cumulated as Campbell and Wasley 1993, ranks as Kolari and Pynnönen 2011): each event's
/// abnormal returns over the estimation and event windows ranked, U = rank/(M + 1) − ½, K̄_d the day's mean;
/// t = Σ_window K̄_d / (√L S), S² the mean over all days of (n_d/N) K̄_d²;</item>
/// <item>generalized sign (Cowan 1992): Z = (w − N p̂)/√(N p̂(1 − p̂)), w the events with a positive CAR, p̂ the mean
/// share of positive abnormal returns in the estimation windows.</item>
/// </list>
/// Z statistics and the rank and sign tests are referred to the normal, t statistics to Student's t with N − 1 degrees of freedom.
/// </summary>
public static class EventStudy
{
    public static EventStudyResult Run(IReadOnlyList<StudyEvent> events, EventMarket market, Func<int, double[]?> returnsOf, EventStudyOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(returnsOf);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var fits = new EventFit?[events.Count];
        var reasons = new string?[events.Count];
        var done = 0;
        Parallel.For(0, events.Count, new ParallelOptions { CancellationToken = cancellationToken }, k =>
        {
            var returns = returnsOf(events[k].Permno);
            (fits[k], reasons[k]) = returns is null ? (null, $"no returns of PERMNO {events[k].Permno}") : Fit(events[k], market, returns, options);
            var n = Interlocked.Increment(ref done);
            if (n % 256 == 0 || n == events.Count)
            {
                progress?.Report(n);
            }
        });

        var kept = fits.Where(f => f is not null).Select(f => f!).ToList();
        var dropped = events.Select((e, k) => (e, k)).Where(p => fits[p.k] is null).Select(p => new DroppedEvent(p.e, reasons[p.k]!)).ToList();
        var groups = kept.GroupBy(f => f.Event.Group, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Aggregate(g.Key, [.. g.OrderBy(f => f.Event.Date).ThenBy(f => f.Event.Permno).ThenBy(f => f.Event.Id, StringComparer.Ordinal)], options))
            .ToList();
        var outcomes = kept.Select(f => new EventOutcome(f.Event, market.Dates[f.Day0], f.EstimationDays, f.Sd, f.Coefficients, f.Ar,
            [.. options.TestWindows.Select(f.Car)], [.. options.TestWindows.Select(f.Bhar)])).ToList();
        return new EventStudyResult(options, groups, outcomes, dropped);
    }

    /// <summary>The normal-return model's regressors and dependent value on session t (null if a value is missing).</summary>
    private static (double[] X, double Y)? Row(EventMarket m, double[] returns, int t, AbnormalReturnModel model)
    {
        var (r, mkt, rf) = (returns[t], m.MktRf[t], m.Rf[t]);
        if (!double.IsFinite(r) || !double.IsFinite(mkt) || !double.IsFinite(rf))
        {
            return null;
        }

        return model switch
        {
            AbnormalReturnModel.MarketAdjusted => ([mkt + rf], r),
            AbnormalReturnModel.MarketModel => ([1, mkt + rf], r),
            _ => double.IsFinite(m.Smb[t]) && double.IsFinite(m.Hml[t]) ? ([1, mkt, m.Smb[t], m.Hml[t]], r - rf) : null,
        };
    }

    private static (EventFit? Fit, string? Reason) Fit(StudyEvent e, EventMarket m, double[] returns, EventStudyOptions o)
    {
        if (returns.Length != m.Sessions)
        {
            throw new ArgumentException($"The returns of PERMNO {e.Permno} have {returns.Length} values for {m.Sessions} sessions.");
        }

        var day0 = m.SessionOnOrAfter(e.Date);
        if (day0 >= m.Sessions)
        {
            return (null, $"{e.Date:yyyy-MM-dd} is after the last session with data ({m.Dates[^1]:yyyy-MM-dd})");
        }

        if (day0 + o.Window.To >= m.Sessions || day0 + o.Window.From < 0)
        {
            return (null, $"the event window {o.Window} runs outside the sessions with data ({m.Dates[0]:yyyy-MM-dd} to {m.Dates[^1]:yyyy-MM-dd})");
        }

        var window = new (double[] X, double Y)[o.Window.Length];
        for (var d = o.Window.From; d <= o.Window.To; d++)
        {
            if (Row(m, returns, day0 + d, o.Model) is not { } row)
            {
                var what = double.IsFinite(returns[day0 + d]) ? "no Fama-French factors (famafrench.factors_daily)" : $"no return of PERMNO {e.Permno}";
                return (null, string.Create(CultureInfo.InvariantCulture, $"{what} on day {d:+0;-0;0} ({m.Dates[day0 + d]:yyyy-MM-dd}) of the event window"));
            }

            window[d - o.Window.From] = row;
        }

        var estimation = new List<(int Day, double[] X, double Y)>(o.Estimation.Length);
        for (var d = o.Estimation.From; d <= o.Estimation.To; d++)
        {
            if (day0 + d >= 0 && Row(m, returns, day0 + d, o.Model) is { } row)
            {
                estimation.Add((d, row.X, row.Y));
            }
        }

        if (estimation.Count < o.MinEstimationDays)
        {
            return (null, $"{estimation.Count} days with a return and the factors in the estimation window {o.Estimation}, fewer than the {o.MinEstimationDays} required");
        }

        var k = o.Parameters;
        var t = estimation.Count;
        double[] beta;
        Matrix<double>? inverse = null;
        double[] residuals;
        if (o.Model == AbnormalReturnModel.MarketAdjusted)
        {
            beta = [];
            residuals = [.. estimation.Select(r => r.Y - r.X[0])];
        }
        else
        {
            var x = Matrix<double>.Build.Dense(t, k, (i, j) => estimation[i].X[j]);
            var y = Vector<double>.Build.Dense(t, i => estimation[i].Y);
            var xtx = x.TransposeThisAndMultiply(x);
            inverse = xtx.Inverse();
            if (inverse.Enumerate().Any(v => !double.IsFinite(v)) || xtx.ConditionNumber() > 1e12)
            {
                return (null, "the estimation window's regressors are collinear (a factor constant over the window)");
            }

            var b = inverse * x.TransposeThisAndMultiply(y);
            beta = [.. b];
            residuals = [.. estimation.Select(r => r.Y - Dot(r.X, beta))];
        }

        double variance;
        if (o.Model == AbnormalReturnModel.MarketAdjusted)
        {
            var mean = residuals.Average();
            variance = residuals.Sum(v => (v - mean) * (v - mean)) / (t - 1);
        }
        else
        {
            variance = residuals.Sum(v => v * v) / (t - k);
        }

        if (!(variance > 0))
        {
            return (null, "the estimation residuals have no variance");
        }

        var sd = Math.Sqrt(variance);
        var ar = new double[o.Window.Length];
        var sar = new double[o.Window.Length];
        var gross = new double[o.Window.Length];
        for (var d = 0; d < ar.Length; d++)
        {
            var (xr, yr) = window[d];
            ar[d] = o.Model == AbnormalReturnModel.MarketAdjusted ? yr - xr[0] : yr - Dot(xr, beta);
            var c = inverse is null ? 1.0 : 1.0 + Quadratic(inverse, xr);
            sar[d] = ar[d] / (sd * Math.Sqrt(c));
            gross[d] = returns[day0 + o.Window.From + d];
        }

        return (new EventFit(e, day0, t, k, sd, beta, ar, sar, gross, estimation.Select(r => r.Day).ToArray(), residuals, o), null);
    }

    private static double Dot(double[] x, double[] b)
    {
        var s = 0.0;
        for (var j = 0; j < x.Length; j++)
        {
            s += x[j] * b[j];
        }

        return s;
    }

    private static double Quadratic(Matrix<double> a, double[] x)
    {
        var s = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            for (var j = 0; j < x.Length; j++)
            {
                s += x[i] * a[i, j] * x[j];
            }
        }

        return s;
    }

    private static EventGroupResult Aggregate(string group, List<EventFit> fits, EventStudyOptions o)
    {
        var n = fits.Count;
        var tCrit = n > 1 ? StudentT.InvCDF(0, 1, n - 1, 0.5 + (o.Confidence / 2)) : double.NaN;

        // Corrado's ranks: the mean centred rank per relative day over the estimation and event windows.
        var span = o.Window.To - o.Estimation.From + 1;
        var rankSum = new double[span];
        var rankCount = new int[span];
        foreach (var f in fits)
        {
            foreach (var (day, u) in f.Ranks())
            {
                rankSum[day - o.Estimation.From] += u;
                rankCount[day - o.Estimation.From]++;
            }
        }

        var meanRank = rankSum.Select((s, d) => rankCount[d] > 0 ? s / rankCount[d] : double.NaN).ToArray();
        var rankDays = rankCount.Count(c => c > 0);
        var rankScale = Math.Sqrt(Enumerable.Range(0, span).Where(d => rankCount[d] > 0).Sum(d => rankCount[d] / (double)n * meanRank[d] * meanRank[d]) / rankDays);

        var days = new List<EventDay>(o.Window.Length);
        var cumulative = new double[n];
        for (var d = o.Window.From; d <= o.Window.To; d++)
        {
            var ars = fits.Select(f => f.Ar[d - o.Window.From]).ToArray();
            for (var i = 0; i < n; i++)
            {
                cumulative[i] += ars[i];
            }

            var (caar, sd) = MeanSd(cumulative);
            var half = tCrit * sd / Math.Sqrt(n);
            days.Add(new EventDay(d, n, ars.Average(), caar, sd, caar - half, caar + half, meanRank[d - o.Estimation.From]));
        }

        var (rbar, pairs) = AverageCorrelation(fits, o);
        var positiveShare = fits.Average(f => f.PositiveShare);
        var tests = new List<WindowTest>();
        foreach (var w in o.TestWindows)
        {
            var car = fits.Select(f => f.Car(w)).ToArray();
            var (caar, sd) = MeanSd(car);
            var tStat = caar / (sd / Math.Sqrt(n));
            var half = tCrit * sd / Math.Sqrt(n);

            var patell = fits.Sum(f => f.Csar(w) / Math.Sqrt(w.Length * f.Df / (f.Df - 2.0))) / Math.Sqrt(n);
            var scar = fits.Select(f => f.Csar(w) / Math.Sqrt(w.Length)).ToArray();
            var (scarMean, scarSd) = MeanSd(scar);
            var bmp = scarMean / (scarSd / Math.Sqrt(n));
            var adjust = 1 + ((n - 1) * rbar);
            var kp = adjust > 0 ? bmp * Math.Sqrt((1 - rbar) / adjust) : double.NaN;

            var rank = 0.0;
            for (var d = w.From; d <= w.To; d++)
            {
                rank += meanRank[d - o.Estimation.From];
            }

            rank /= Math.Sqrt(w.Length) * rankScale;
            var positive = car.Count(c => c > 0);
            var sign = (positive - (n * positiveShare)) / Math.Sqrt(n * positiveShare * (1 - positiveShare));

            var bhar = fits.Select(f => f.Bhar(w)).ToArray();
            var (bharMean, bharSd) = MeanSd(bhar);
            var bharHalf = tCrit * bharSd / Math.Sqrt(n);
            var bharT = bharMean / (bharSd / Math.Sqrt(n));
            tests.Add(new WindowTest(w, n, caar, sd, tStat, StudentP(tStat, n - 1), caar - half, caar + half,
                patell, NormalP(patell), bmp, StudentP(bmp, n - 1), rbar, pairs, kp, StudentP(kp, n - 1),
                rank, NormalP(rank), positive, n * positiveShare, sign, NormalP(sign),
                bharMean, bharSd, bharT, StudentP(bharT, n - 1), bharMean - bharHalf, bharMean + bharHalf));
        }

        return new EventGroupResult(group, n, days, tests);
    }

    /// <summary>Mean and sample standard deviation (NaN for fewer than two values).</summary>
    private static (double Mean, double Sd) MeanSd(double[] values) => (values.Average(), Research.Core.Statistics.Moments.StandardDeviation(values));

    private static double NormalP(double z) => double.IsFinite(z) ? 2 * Normal.CDF(0, 1, -Math.Abs(z)) : double.NaN;

    private static double StudentP(double t, int df) => double.IsFinite(t) && df > 0 ? 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)) : double.NaN;

    /// <summary>r̄ over pairs of the first <see cref="EventStudyOptions.CorrelationEvents"/> events sharing enough estimation sessions.</summary>
    private static (double Mean, int Pairs) AverageCorrelation(List<EventFit> fits, EventStudyOptions o)
    {
        var m = Math.Min(fits.Count, o.CorrelationEvents);
        var sum = 0.0;
        var pairs = 0;
        for (var i = 0; i < m; i++)
        {
            for (var j = i + 1; j < m; j++)
            {
                if (Correlation(fits[i], fits[j], o.MinSharedDays) is { } r)
                {
                    sum += r;
                    pairs++;
                }
            }
        }

        return (pairs > 0 ? sum / pairs : 0, pairs);
    }

    /// <summary>Pearson correlation of two events' estimation residuals over the sessions both have (null if too few).</summary>
    private static double? Correlation(EventFit a, EventFit b, int minShared)
    {
        var (sa, sb) = (a.Sessions, b.Sessions);
        int i = 0, j = 0, count = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        while (i < sa.Length && j < sb.Length)
        {
            if (sa[i] < sb[j])
            {
                i++;
            }
            else if (sa[i] > sb[j])
            {
                j++;
            }
            else
            {
                var (x, y) = (a.Residuals[i], b.Residuals[j]);
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
                count++;
                i++;
                j++;
            }
        }

        if (count < minShared)
        {
            return null;
        }

        var cov = sxy - (sx * sy / count);
        var vx = sxx - (sx * sx / count);
        var vy = syy - (sy * sy / count);
        return vx > 0 && vy > 0 ? cov / Math.Sqrt(vx * vy) : null;
    }

    /// <summary>One event's fitted model and abnormal returns.</summary>
    private sealed class EventFit
    {
        private readonly EventStudyOptions _o;
        private readonly int[] _estimationDays;
        private readonly double[] _sar;
        private readonly double[] _gross;

        public EventFit(StudyEvent e, int day0, int estimationDays, int parameters, double sd, double[] coefficients, double[] ar, double[] sar, double[] gross,
            int[] estimationRelativeDays, double[] residuals, EventStudyOptions o)
        {
            (Event, Day0, EstimationDays, Sd, Coefficients, Ar, _sar, _gross, _estimationDays, Residuals, _o) =
                (e, day0, estimationDays, sd, coefficients, ar, sar, gross, estimationRelativeDays, residuals, o);
            Df = estimationDays - parameters;
            Sessions = [.. estimationRelativeDays.Select(d => day0 + d)];
            PositiveShare = residuals.Count(r => r > 0) / (double)residuals.Length;
        }

        public StudyEvent Event { get; }

        public int Day0 { get; }

        public int EstimationDays { get; }

        public int Df { get; }

        public double Sd { get; }

        public double[] Coefficients { get; }

        public double[] Ar { get; }

        /// <summary>Session index of each estimation residual, ascending.</summary>
        public int[] Sessions { get; }

        public double[] Residuals { get; }

        public double PositiveShare { get; }

        public double Car(EventWindow w) => Sum(Ar, w);

        public double Csar(EventWindow w) => Sum(_sar, w);

        public double Bhar(EventWindow w)
        {
            var (actual, normal) = (1.0, 1.0);
            for (var d = w.From; d <= w.To; d++)
            {
                var k = d - _o.Window.From;
                actual *= 1 + _gross[k];
                normal *= 1 + _gross[k] - Ar[k];
            }

            return actual - normal;
        }

        /// <summary>U = rank/(M + 1) − ½ of each abnormal return among the estimation residuals and the event window's, by relative day (ties share their mean rank).</summary>
        public IEnumerable<(int Day, double U)> Ranks()
        {
            var values = Residuals.Select((r, k) => (Day: _estimationDays[k], Value: r))
                .Concat(Ar.Select((a, k) => (Day: _o.Window.From + k, Value: a))).ToArray();
            var order = Enumerable.Range(0, values.Length).OrderBy(k => values[k].Value).ToArray();
            var ranks = new double[values.Length];
            for (var start = 0; start < order.Length;)
            {
                var end = start;
                while (end + 1 < order.Length && values[order[end + 1]].Value == values[order[start]].Value)
                {
                    end++;
                }

                var rank = ((start + end) / 2.0) + 1;
                for (var q = start; q <= end; q++)
                {
                    ranks[order[q]] = rank;
                }

                start = end + 1;
            }

            return values.Select((v, k) => (v.Day, (ranks[k] / (values.Length + 1)) - 0.5));
        }

        private double Sum(double[] series, EventWindow w)
        {
            var s = 0.0;
            for (var d = w.From; d <= w.To; d++)
            {
                s += series[d - _o.Window.From];
            }

            return s;
        }
    }
}
