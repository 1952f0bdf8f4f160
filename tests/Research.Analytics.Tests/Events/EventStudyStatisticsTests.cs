using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using Research.Analytics.Events;

namespace Research.Analytics.Tests.Events;

/// <summary>
/// A small fixed data set built here (70 sessions, three securities, six events of which two are left out) and every
/// statistic of the event study recomputed independently: the market model by the closed-form slope and intercept,
/// the forecast-error factor as 1 + 1/T + (Rm − m̄)²/Sxx, ranks by sorting, correlations on dates matched by dictionary,
/// the Fama-French model by a QR solve.
/// </summary>
public sealed class EventStudyStatisticsTests
{
    private const int Sessions = 70;

    private static readonly EventStudyOptions Design = new()
    {
        Model = AbnormalReturnModel.MarketModel,
        Estimation = new EventWindow(-30, -6),
        Window = new EventWindow(-3, 3),
        Tests = [new EventWindow(-3, 3), new EventWindow(0, 1)],
        MinEstimationDays = 20,
        MinSharedDays = 10,
    };

    /// <summary>A deterministic pseudo-random value in (−0.5, 0.5) from two integers.</summary>
    private static double Noise(int a, int b) => (((Math.Sin((a * 12.9898) + (b * 78.233)) * 43758.5453) % 1.0) + 1.0) % 1.0 - 0.5;

    private static (EventMarket Market, Dictionary<int, double[]> Returns, StudyEvent[] Events) Build()
    {
        var dates = new DateOnly[Sessions];
        var day = new DateOnly(2024, 1, 2);
        for (var t = 0; t < Sessions; t++)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                day = day.AddDays(1);
            }

            dates[t] = day;
            day = day.AddDays(1);
        }

        var mktrf = Enumerable.Range(0, Sessions).Select(t => 0.02 * Noise(t, 1)).ToArray();
        var smb = Enumerable.Range(0, Sessions).Select(t => 0.01 * Noise(t, 2)).ToArray();
        var hml = Enumerable.Range(0, Sessions).Select(t => 0.01 * Noise(t, 3)).ToArray();
        var rf = Enumerable.Repeat(0.0001, Sessions).ToArray();
        var returns = new Dictionary<int, double[]>();
        foreach (var (permno, beta) in new[] { (10001, 0.8), (10002, 1.2), (10003, 1.0) })
        {
            var common = Enumerable.Range(0, Sessions).Select(t => 0.004 * Noise(t, 9)).ToArray(); // shared by all: correlated residuals
            returns[permno] = [.. Enumerable.Range(0, Sessions).Select(t => 0.0002 + (beta * (mktrf[t] + rf[t])) + (0.3 * smb[t]) + common[t] + (0.015 * Noise(t, permno)))];
        }

        // Planted abnormal returns on the event days; one missing return inside an event window.
        returns[10001][40] += 0.03;
        returns[10002][40] += 0.02;
        returns[10003][45] -= 0.01;
        returns[10001][60] += 0.025;
        returns[10003][62] = double.NaN;
        StudyEvent E(int permno, int t, string group = "all") => new($"{permno}@{t}", permno, dates[t], group);
        StudyEvent[] events = [E(10001, 40), E(10002, 40), E(10003, 45), E(10001, 60), E(10002, 38), E(10003, 61), E(10002, 12)];
        return (new EventMarket(dates, mktrf, smb, hml, rf), returns, events);
    }

    [Fact]
    public void Market_model_statistics_equal_an_independent_computation()
    {
        var (market, returns, events) = Build();
        var result = EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), Design);

        Assert.Equal(2, result.Dropped.Count);
        Assert.Contains(result.Dropped, d => d.Event.Id == "10003@61" && d.Reason.Contains("day +1", StringComparison.Ordinal));
        Assert.Contains(result.Dropped, d => d.Event.Id == "10002@12" && d.Reason.Contains("fewer than the 20 required", StringComparison.Ordinal));
        var group = Assert.Single(result.Groups);
        Assert.Equal(5, group.Events);

        // Independent: per event, closed-form OLS of R on Rm over days -30..-6.
        var kept = events.Where(e => result.Dropped.All(d => d.Event.Id != e.Id)).OrderBy(e => e.Date).ThenBy(e => e.Permno).ToArray();
        var perEvent = kept.Select(e =>
        {
            var t0 = Array.IndexOf(market.Dates, e.Date);
            var r = returns[e.Permno];
            double M(int t) => market.MktRf[t] + market.Rf[t];
            var est = Enumerable.Range(t0 - 30, 25).Where(t => t >= 0 && double.IsFinite(r[t])).ToArray();
            var (mm, rm) = (est.Average(M), est.Average(t => r[t]));
            var sxx = est.Sum(t => (M(t) - mm) * (M(t) - mm));
            var beta = est.Sum(t => (M(t) - mm) * (r[t] - rm)) / sxx;
            var alpha = rm - (beta * mm);
            var resid = est.ToDictionary(t => t, t => r[t] - alpha - (beta * M(t)));
            var s = Math.Sqrt(resid.Values.Sum(v => v * v) / (est.Length - 2));
            var ar = Enumerable.Range(-3, 7).ToDictionary(d => d, d => r[t0 + d] - alpha - (beta * M(t0 + d)));
            var sar = Enumerable.Range(-3, 7).ToDictionary(d => d, d => ar[d] / (s * Math.Sqrt(1 + (1.0 / est.Length) + ((M(t0 + d) - mm) * (M(t0 + d) - mm) / sxx))));
            var expected = Enumerable.Range(-3, 7).ToDictionary(d => d, d => alpha + (beta * M(t0 + d)));
            return (e, t0, alpha, beta, s, T: est.Length, resid, ar, sar, expected, r);
        }).ToArray();

        foreach (var p in perEvent)
        {
            var o = result.Events.Single(x => x.Event.Id == p.e.Id);
            Assert.Equal(p.alpha, o.Coefficients[0], 1e-12);
            Assert.Equal(p.beta, o.Coefficients[1], 1e-12);
            Assert.Equal(p.s, o.ResidualSd, 1e-12);
            Assert.Equal(p.T, o.EstimationDays);
            for (var d = -3; d <= 3; d++)
            {
                Assert.Equal(p.ar[d], o.AbnormalReturns[d + 3], 1e-13);
            }
        }

        var n = perEvent.Length;
        var tcrit = StudentT.InvCDF(0, 1, n - 1, 0.975);
        foreach (var (w, k) in new[] { (new EventWindow(-3, 3), 0), (new EventWindow(0, 1), 1) })
        {
            var days = Enumerable.Range(w.From, w.Length).ToArray();
            var car = perEvent.Select(p => days.Sum(d => p.ar[d])).ToArray();
            var caar = car.Average();
            var sd = Math.Sqrt(car.Sum(c => (c - caar) * (c - caar)) / (n - 1));
            var test = group.Tests[k];
            Assert.Equal(w, test.Window);
            Assert.Equal(caar, test.Caar, 1e-13);
            Assert.Equal(caar / (sd / Math.Sqrt(n)), test.TStatistic, 1e-10);
            Assert.Equal(caar - (tcrit * sd / Math.Sqrt(n)), test.Lower, 1e-13);

            var patell = perEvent.Sum(p => days.Sum(d => p.sar[d]) / Math.Sqrt(w.Length * (p.T - 2.0) / (p.T - 4.0))) / Math.Sqrt(n);
            Assert.Equal(patell, test.Patell, 1e-10);
            Assert.Equal(2 * (1 - Normal.CDF(0, 1, Math.Abs(patell))), test.PatellP, 1e-10);

            var scar = perEvent.Select(p => days.Sum(d => p.sar[d]) / Math.Sqrt(w.Length)).ToArray();
            var bmp = scar.Average() / (Math.Sqrt(scar.Sum(v => (v - scar.Average()) * (v - scar.Average())) / (n - 1)) / Math.Sqrt(n));
            Assert.Equal(bmp, test.Bmp, 1e-10);

            // Average correlation of residuals on shared dates (at least 10), every pair.
            var correlations = new List<double>();
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    var shared = perEvent[i].resid.Keys.Intersect(perEvent[j].resid.Keys).ToArray();
                    if (shared.Length >= 10)
                    {
                        var x = shared.Select(t => perEvent[i].resid[t]).ToArray();
                        var y = shared.Select(t => perEvent[j].resid[t]).ToArray();
                        correlations.Add(MathNet.Numerics.Statistics.Correlation.Pearson(x, y));
                    }
                }
            }

            var rbar = correlations.Average();
            Assert.Equal(correlations.Count, test.CorrelationPairs);
            Assert.Equal(rbar, test.AverageCorrelation, 1e-12);
            Assert.True(rbar > 0.05, $"the shared component makes residuals correlate: r̄ {rbar}");
            Assert.Equal(bmp * Math.Sqrt((1 - rbar) / (1 + ((n - 1) * rbar))), test.KolariPynnonen, 1e-10);

            // Ranks over estimation and event days, U = rank/(M+1) − 1/2, averaged by relative day.
            var u = new Dictionary<int, List<double>>();
            foreach (var p in perEvent)
            {
                var values = p.resid.Select(kv => (Day: kv.Key - p.t0, V: kv.Value)).Concat(p.ar.Select(kv => (Day: kv.Key, V: kv.Value))).ToList();
                var sorted = values.OrderBy(v => v.V).ToList();
                foreach (var v in values)
                {
                    (u.TryGetValue(v.Day, out var list) ? list : u[v.Day] = []).Add(((sorted.IndexOf(v) + 1.0) / (values.Count + 1)) - 0.5);
                }
            }

            var kbar = u.ToDictionary(kv => kv.Key, kv => kv.Value.Average());
            var sk = Math.Sqrt(u.Sum(kv => kv.Value.Count / (double)n * kbar[kv.Key] * kbar[kv.Key]) / u.Count);
            Assert.Equal(days.Sum(d => kbar[d]) / (Math.Sqrt(w.Length) * sk), test.Rank, 1e-10);

            var phat = perEvent.Average(p => p.resid.Values.Count(v => v > 0) / (double)p.resid.Count);
            var positive = car.Count(c => c > 0);
            Assert.Equal(positive, test.Positive);
            Assert.Equal((positive - (n * phat)) / Math.Sqrt(n * phat * (1 - phat)), test.Sign, 1e-10);

            var bhar = perEvent.Select(p => days.Aggregate(1.0, (a, d) => a * (1 + p.r[p.t0 + d])) - days.Aggregate(1.0, (a, d) => a * (1 + p.expected[d]))).ToArray();
            Assert.Equal(bhar.Average(), test.Bhar, 1e-13);
        }

        // The daily path: CAAR to each day and its band.
        var path = group.Days;
        Assert.Equal(7, path.Count);
        var day0 = path.Single(d => d.Day == 0);
        Assert.Equal(perEvent.Average(p => p.ar[0]), day0.Aar, 1e-13);
        Assert.Equal(perEvent.Average(p => p.ar[-3] + p.ar[-2] + p.ar[-1] + p.ar[0]), day0.Caar, 1e-13);
        Assert.True(day0.Aar > 0.01, $"the planted day-0 abnormal returns show: AAR {day0.Aar}");
    }

    [Fact]
    public void Fama_french_and_market_adjusted_abnormal_returns_equal_an_independent_computation()
    {
        var (market, returns, events) = Build();
        var ff = EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), Design with { Model = AbnormalReturnModel.FamaFrench3 });
        var ma = EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), Design with { Model = AbnormalReturnModel.MarketAdjusted });
        foreach (var o in ff.Events)
        {
            var t0 = Array.IndexOf(market.Dates, o.Event.Date);
            var r = returns[o.Event.Permno];
            var est = Enumerable.Range(t0 - 30, 25).Where(t => t >= 0 && double.IsFinite(r[t])).ToArray();
            double[] X(int t) => [1, market.MktRf[t], market.Smb[t], market.Hml[t]];
            var x = Matrix<double>.Build.DenseOfRowArrays(est.Select(X));
            var y = Vector<double>.Build.DenseOfEnumerable(est.Select(t => r[t] - market.Rf[t]));
            var qr = x.QR();
            var b = qr.Solve(y);
            var s = Math.Sqrt((y - (x * b)).Sum(v => v * v) / (est.Length - 4));
            Assert.Equal(s, o.ResidualSd, 1e-12);
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(b[j], o.Coefficients[j], 1e-10);
            }

            for (var d = -3; d <= 3; d++)
            {
                Assert.Equal(r[t0 + d] - market.Rf[t0 + d] - Vector<double>.Build.DenseOfArray(X(t0 + d)).DotProduct(b), o.AbnormalReturns[d + 3], 1e-12);
            }

            var m = ma.Events.Single(e => e.Event.Id == o.Event.Id);
            var ar = est.Select(t => r[t] - market.MktRf[t] - market.Rf[t]).ToArray();
            Assert.Equal(Math.Sqrt(ar.Sum(v => (v - ar.Average()) * (v - ar.Average())) / (ar.Length - 1)), m.ResidualSd, 1e-13);
            Assert.Equal(Enumerable.Range(-3, 7).Sum(d => r[t0 + d] - market.MktRf[t0 + d] - market.Rf[t0 + d]), m.Car[0], 1e-13);
            Assert.Empty(m.Coefficients);
        }

        // Patell with four parameters: (T − 4)/(T − 6), the forecast-error factor from the QR's R: 1 + |R⁻ᵀx|².
        var test = ff.Groups[0].Tests[1];
        var patell = ff.Events.Sum(o =>
        {
            var t0 = Array.IndexOf(market.Dates, o.Event.Date);
            var r = returns[o.Event.Permno];
            var est = Enumerable.Range(t0 - 30, 25).Where(t => t >= 0 && double.IsFinite(r[t])).ToArray();
            var x = Matrix<double>.Build.DenseOfRowArrays(est.Select(t => new[] { 1, market.MktRf[t], market.Smb[t], market.Hml[t] }));
            var rUpper = x.QR().R.SubMatrix(0, 4, 0, 4);
            var csar = Enumerable.Range(0, 2).Sum(d =>
            {
                var xt = Vector<double>.Build.DenseOfArray([1, market.MktRf[t0 + d], market.Smb[t0 + d], market.Hml[t0 + d]]);
                var z = rUpper.Transpose().Solve(xt);
                return o.AbnormalReturns[d + 3] / (o.ResidualSd * Math.Sqrt(1 + z.DotProduct(z)));
            });
            return csar / Math.Sqrt(2 * (est.Length - 4.0) / (est.Length - 6.0));
        }) / Math.Sqrt(ff.Events.Count);
        Assert.Equal(patell, test.Patell, 1e-9);
    }

    [Fact]
    public void An_inconsistent_design_is_refused_by_name()
    {
        var (market, returns, events) = Build();
        var overlap = Assert.Throws<ArgumentException>(() => EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), Design with { Estimation = new EventWindow(-30, -2) }));
        Assert.Contains("must end before the event window", overlap.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<ArgumentException>(() => EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), Design with { Tests = [new EventWindow(0, 5)] }));
        Assert.Contains("[0, +5] is not inside the event window [-3, +3]", outside.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => EventWindow.Parse("5:1"));
        Assert.Equal(new EventWindow(-250, -11), EventWindow.Parse("-250:-11"));
        var unknown = EventStudy.Run([new StudyEvent("x", 99, market.Dates[40], "all")], market, p => returns.GetValueOrDefault(p), Design);
        Assert.Equal("no returns of PERMNO 99", Assert.Single(unknown.Dropped).Reason);
        Assert.Empty(unknown.Groups);
    }
}
