namespace Research.Analytics.Factors;

/// <summary>
/// Raw descriptors of the built-in factors over one panel, with the daily series they share precomputed:
/// the cap-weighted market return (weights = previous close's cap; equal weights without caps), each asset's
/// industry by calendar month, and the cap-weighted industry returns.
/// </summary>
public sealed class DescriptorContext
{
    private readonly int _n;
    private readonly int[] _monthOfSession;
    private readonly int[] _industryByMonth;
    private readonly double[] _industryReturns;

    public DescriptorContext(EquityPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        Panel = panel;
        _n = panel.Assets;
        var sessions = panel.Sessions;
        _monthOfSession = new int[sessions];
        var monthLast = new List<DateOnly>();
        for (var t = 0; t < sessions; t++)
        {
            if (t > 0 && panel.Dates[t].Month != panel.Dates[t - 1].Month)
            {
                monthLast.Add(panel.Dates[t - 1]);
            }

            _monthOfSession[t] = monthLast.Count;
        }

        monthLast.Add(panel.Dates[^1]);
        _industryByMonth = new int[monthLast.Count * _n];
        for (var m = 0; m < monthLast.Count; m++)
        {
            for (var i = 0; i < _n; i++)
            {
                _industryByMonth[(m * _n) + i] = panel.HasIndustries ? panel.NameOn(i, monthLast[m])?.Industry ?? LastIndustry(i) : -1;
            }
        }

        MarketReturns = new double[sessions];
        _industryReturns = new double[sessions * Ff10Industries.Names.Count];
        Array.Fill(MarketReturns, double.NaN);
        Array.Fill(_industryReturns, double.NaN);
        Parallel.For(1, sessions, t =>
        {
            Span<double> sum = stackalloc double[Ff10Industries.Names.Count];
            Span<double> weight = stackalloc double[Ff10Industries.Names.Count];
            double marketSum = 0, marketWeight = 0;
            for (var i = 0; i < _n; i++)
            {
                var r = panel.Returns[(t * _n) + i];
                var w = panel.HasMarketCap ? panel.MarketCap[((t - 1) * _n) + i] : 1.0;
                if (double.IsNaN(r) || !(w > 0))
                {
                    continue;
                }

                marketSum += w * r;
                marketWeight += w;
                var industry = IndustryOn(t, i);
                if (industry >= 0)
                {
                    sum[industry] += w * r;
                    weight[industry] += w;
                }
            }

            MarketReturns[t] = marketWeight > 0 ? marketSum / marketWeight : double.NaN;
            for (var j = 0; j < sum.Length; j++)
            {
                _industryReturns[(t * sum.Length) + j] = weight[j] > 0 ? sum[j] / weight[j] : double.NaN;
            }
        });
    }

    public EquityPanel Panel { get; }

    /// <summary>Cap-weighted (equal-weighted without caps) market return per session; NaN on the first.</summary>
    public double[] MarketReturns { get; }

    /// <summary>Fama-French 10 industry of asset i in the month of session t (-1 when unknown).</summary>
    public int IndustryOn(int t, int i) => _industryByMonth[(_monthOfSession[t] * _n) + i];

    /// <summary>Log market cap, or log mean dollar volume over 63 sessions without caps.</summary>
    public double LogSize(int t, int i)
    {
        if (Panel.HasMarketCap)
        {
            var cap = Panel.MarketCap[(t * _n) + i];
            return cap > 0 ? Math.Log(cap) : double.NaN;
        }

        var mean = MeanDollarVolume(t, i);
        return mean > 0 ? Math.Log(mean) : double.NaN;
    }

    /// <summary>Mean daily dollar volume over the 63 sessions ending at t (at least 20 observed), else NaN.</summary>
    public double MeanDollarVolume(int t, int i) => WindowMean(Panel.DollarVolume, t, i, FactorRegistry.LiquiditySessions, 20);

    public double LogBookToMarket(int t, int i)
    {
        var date = Panel.Dates[t];
        QuarterlyFundamentals? latest = null;
        foreach (var q in Panel.Fundamentals[i])
        {
            if (q.Known > date)
            {
                break;
            }

            if (latest is null || q.PeriodEnd >= latest.PeriodEnd)
            {
                latest = q;
            }
        }

        if (latest is null || !(latest.BookEquity > 0))
        {
            return double.NaN;
        }

        var s = Panel.SessionOnOrBefore(latest.PeriodEnd);
        if (s < 0 || Panel.Dates[s] < latest.PeriodEnd.AddDays(-7))
        {
            return double.NaN;
        }

        var marketEquity = Panel.MarketCap[(s * _n) + i];
        return marketEquity > 0 ? Math.Log(latest.BookEquity * 1000.0 / marketEquity) : double.NaN;
    }

    /// <summary>
    /// Gross margin of the last four reported quarters: (Σ sales − Σ cost of goods sold) / Σ sales, from the latest row
    /// per period end known on the date; NaN unless four distinct quarters within 366 days with positive sales exist.
    /// </summary>
    public double GrossMargin(int t, int i) =>
        TrailingSums(t, i, q => q.Sales, q => q.CostOfGoodsSold) is var (sales, costs) && sales > 0 && double.IsFinite(costs) ? (sales - costs) / sales : double.NaN;

    /// <summary>Net income of the last four reported quarters over their mean book equity.</summary>
    public double ReturnOnEquity(int t, int i) =>
        TrailingSums(t, i, q => q.NetIncome, q => q.BookEquity) is var (income, book) && book > 0 ? income / (book / 4.0) : double.NaN;

    /// <summary>
    /// Earnings yield: net income of the last four reported quarters ($ millions) over the market cap at the close of t
    /// ($ thousands, hence x 1,000); NaN without four quarters or a cap.
    /// </summary>
    public double EarningsYield(int t, int i)
    {
        var cap = Panel.HasMarketCap ? Panel.MarketCap[(t * _n) + i] : double.NaN;
        return cap > 0 && TrailingSums(t, i, q => q.NetIncome, q => 0) is var (income, _) && double.IsFinite(income) ? income * 1000.0 / cap : double.NaN;
    }

    /// <summary>
    /// Standardised unexpected earnings (seasonal random walk on net income, as Foster, Olsen and Shevlin 1984 on EPS):
    /// for the latest quarter known on t's date, (NI_q - NI_(q-4)) over the standard deviation of the same seasonal
    /// differences of the up to eight quarters before it (at least four). Valid for <paramref name="validDays"/> calendar
    /// days after the report (the drift window); NaN otherwise.
    /// </summary>
    public double EarningsSurprise(int t, int i, int validDays = 91)
    {
        var date = Panel.Dates[t];
        var quarters = Panel.Fundamentals[i];
        var known = 0;
        while (known < quarters.Length && quarters[known].Known <= date)
        {
            known++;
        }

        // The latest row per fiscal period known on the date, newest period first.
        var latest = new List<QuarterlyFundamentals>();
        for (var k = known - 1; k >= 0; k--)
        {
            if (latest.Count == 0 || quarters[k].PeriodEnd < latest[^1].PeriodEnd)
            {
                latest.Add(quarters[k]);
            }
        }

        if (latest.Count < 9 || date.DayNumber - latest[0].Known.DayNumber > validDays)
        {
            return double.NaN;
        }

        double SeasonalDifference(int k) =>
            k + 4 < latest.Count && Math.Abs(latest[k].PeriodEnd.DayNumber - latest[k + 4].PeriodEnd.AddYears(1).DayNumber) <= 20
                ? latest[k].NetIncome - latest[k + 4].NetIncome
                : double.NaN;

        var surprise = SeasonalDifference(0);
        var history = Enumerable.Range(1, 8).Select(SeasonalDifference).Where(double.IsFinite).ToList();
        if (!double.IsFinite(surprise) || history.Count < 4)
        {
            return double.NaN;
        }

        var sd = Research.Core.Statistics.Moments.StandardDeviation(history);
        return sd > 0 ? surprise / sd : double.NaN;
    }

    /// <summary>Short-term reversal: minus the compounded return of the <paramref name="sessions"/> sessions ending at t (at least 80% observed).</summary>
    public double ShortTermReversal(int t, int i, int sessions = 21)
    {
        var growth = 1.0;
        var count = 0;
        for (var s = Math.Max(0, t - sessions + 1); s <= t; s++)
        {
            var r = Panel.Returns[(s * _n) + i];
            if (!double.IsNaN(r))
            {
                growth *= 1 + r;
                count++;
            }
        }

        return t + 1 >= sessions && count >= 0.8 * sessions ? -(growth - 1) : double.NaN;
    }

    /// <summary>Sums of two quarterly items over the last four reported quarters (NaN, NaN when there are not four).</summary>
    private (double First, double Second) TrailingSums(int t, int i, Func<QuarterlyFundamentals, double> first, Func<QuarterlyFundamentals, double> second)
    {
        var quarters = Panel.Fundamentals[i];
        Span<int> picked = stackalloc int[4];
        if (!LastFourQuarters(quarters, Panel.Dates[t], picked))
        {
            return (double.NaN, double.NaN);
        }

        double a = 0, b = 0;
        foreach (var k in picked)
        {
            a += first(quarters[k]);
            b += second(quarters[k]);
        }

        return (a, b);
    }

    /// <summary>Indexes of the four latest distinct fiscal quarters known on <paramref name="date"/> (newest first), all within 366 days.</summary>
    private static bool LastFourQuarters(QuarterlyFundamentals[] quarters, DateOnly date, Span<int> picked)
    {
        var known = 0;
        while (known < quarters.Length && quarters[known].Known <= date)
        {
            known++;
        }

        var count = 0;
        var lastPeriod = DateOnly.MaxValue;
        for (var k = known - 1; k >= 0 && count < 4; k--)
        {
            if (quarters[k].PeriodEnd >= lastPeriod)
            {
                continue;
            }

            picked[count++] = k;
            lastPeriod = quarters[k].PeriodEnd;
        }

        return count == 4 && quarters[picked[0]].PeriodEnd.DayNumber - quarters[picked[3]].PeriodEnd.DayNumber <= 366;
    }

    public double Momentum(int t, int i)
    {
        var date = Panel.Dates[t];
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        var end = Panel.SessionOnOrBefore(monthStart.AddDays(-1));
        var start = Panel.SessionOnOrBefore(monthStart.AddMonths(-FactorRegistry.MomentumMonths + 1).AddDays(-1));
        if (start < 0 || end <= start || Panel.Dates[start] < monthStart.AddMonths(-FactorRegistry.MomentumMonths + 1).AddDays(-10))
        {
            return double.NaN;
        }

        double sum = 0;
        var count = 0;
        for (var s = start + 1; s <= end; s++)
        {
            var r = Panel.Returns[(s * _n) + i];
            if (!double.IsNaN(r))
            {
                sum += Math.Log(1.0 + r);
                count++;
            }
        }

        return count >= 0.8 * (end - start) ? sum : double.NaN;
    }

    public double NegativeLogResidualVolatility(int t, int i)
    {
        double sum = 0, squares = 0;
        var count = 0;
        for (var s = Math.Max(1, t - FactorRegistry.VolatilitySessions + 1); s <= t; s++)
        {
            var r = Panel.Returns[(s * _n) + i];
            var industry = IndustryOn(s, i);
            var benchmark = industry >= 0 ? _industryReturns[(s * Ff10Industries.Names.Count) + industry] : MarketReturns[s];
            if (double.IsNaN(r) || double.IsNaN(benchmark))
            {
                continue;
            }

            var x = r - benchmark;
            sum += x;
            squares += x * x;
            count++;
        }

        if (count < 60)
        {
            return double.NaN;
        }

        var variance = (squares - (sum * sum / count)) / (count - 1);
        return variance > 0 ? -0.5 * Math.Log(variance) : double.NaN;
    }

    public double Beta(int t, int i)
    {
        double sr = 0, sm = 0, srm = 0, smm = 0;
        var count = 0;
        for (var s = Math.Max(1, t - FactorRegistry.BetaSessions + 1); s <= t; s++)
        {
            var r = Panel.Returns[(s * _n) + i];
            var m = MarketReturns[s];
            if (double.IsNaN(r) || double.IsNaN(m))
            {
                continue;
            }

            sr += r;
            sm += m;
            srm += r * m;
            smm += m * m;
            count++;
        }

        if (count < 120)
        {
            return double.NaN;
        }

        var varM = smm - (sm * sm / count);
        return varM > 0 ? (srm - (sr * sm / count)) / varM : double.NaN;
    }

    public double LogTurnover(int t, int i)
    {
        var mean = WindowMean(Panel.Turnover, t, i, FactorRegistry.LiquiditySessions, 40);
        return mean > 0 ? Math.Log(mean) : double.NaN;
    }

    /// <summary>Mean of a panel series over the <paramref name="window"/> sessions ending at t, NaN with fewer than <paramref name="minimum"/> values.</summary>
    private double WindowMean(double[] series, int t, int i, int window, int minimum)
    {
        double sum = 0;
        var count = 0;
        for (var s = Math.Max(0, t - window + 1); s <= t; s++)
        {
            var v = series[(s * _n) + i];
            if (!double.IsNaN(v))
            {
                sum += v;
                count++;
            }
        }

        return count >= minimum ? sum / count : double.NaN;
    }

    private int LastIndustry(int i) => Panel.Names[i].Length > 0 ? Panel.Names[i][^1].Industry : -1;
}
