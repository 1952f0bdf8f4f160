using Research.Core.Statistics;

namespace Research.Data.Synthetic;

/// <summary>
/// Fama-French factors built from the synthetic cross-section by the standard 2x3 sorts
/// (Fama and French 1993, 2015; methodology notes of the Ken French data library):
/// 1. At the end of each June, stocks are split at the NYSE median market cap (small/big) and, separately,
///    at the NYSE 30th and 70th percentiles of book-to-market (book equity of the fiscal year ending in the
///    previous calendar year over December market cap), operating profitability and asset growth.
/// 2. At each month end, stocks are split at the NYSE median size and the NYSE 30th/70th percentiles of the
///    prior 12-2 month return (momentum), for the next month.
/// 3. Every day, each portfolio's return is the value-weighted average (weights: previous close market cap).
/// 4. SMB = the size leg of the book-to-market sort (FF3) or the average of the three size legs (FF5);
///    HML = (SH + BH)/2 - (SL + BL)/2; RMW, CMA and UMD alike;
///    Mkt-RF = value-weighted market return minus the risk-free rate.
/// Days before the first June formation at which every sort can be formed (asset growth needs two fiscal
/// years of accounts), or before 12 months of return history exist, have no factor row.
/// </summary>
internal sealed class FamaFrenchSorts
{
    private const int Bm = 0;
    private const int Op = 6;
    private const int Inv = 12;
    private const int Mom = 18;
    private const int Market = 24;
    private const int Portfolios = 25;

    private readonly int[] _size;
    private readonly int[] _bm;
    private readonly int[] _op;
    private readonly int[] _inv;
    private readonly int[] _momSize;
    private readonly int[] _mom;
    private bool _annualFormed;
    private bool _monthlyFormed;

    public FamaFrenchSorts(int securities)
    {
        _size = Filled(securities);
        _bm = Filled(securities);
        _op = Filled(securities);
        _inv = Filled(securities);
        _momSize = Filled(securities);
        _mom = Filled(securities);
    }

    /// <summary>Daily factors: FF3's SMB is the book-to-market sort's size leg; FF5's SMB averages the three sorts' size legs.</summary>
    public List<(DateOnly Date, double? MktRf, double? Smb3, double? Smb5, double? Hml, double? Rmw, double? Cma, double? Umd, double Rf)> Rows { get; } = [];

    /// <summary>Adds one row per session in [from, to] from the daily rows the states produced for those sessions.</summary>
    public void Accumulate(IReadOnlyList<SecurityState> active, int from, int to, MarketPath path)
    {
        var days = to - from + 1;
        var num = new double[Portfolios * days];
        var den = new double[Portfolios * days];
        foreach (var state in active)
        {
            var i = state.Plan.Index;
            var rows = state.Daily;
            for (var r = rows.Count - 1; r >= 0 && rows[r].Session >= from; r--)
            {
                var row = rows[r];
                var d = row.Session - from;
                var w = row.CapBefore;
                Add(num, den, Market, d, w, row.Return);
                if (_annualFormed && _size[i] >= 0)
                {
                    Add(num, den, Bm + (_size[i] * 3) + _bm[i], d, w, row.Return, _bm[i]);
                    Add(num, den, Op + (_size[i] * 3) + _op[i], d, w, row.Return, _op[i]);
                    Add(num, den, Inv + (_size[i] * 3) + _inv[i], d, w, row.Return, _inv[i]);
                }

                if (_monthlyFormed && _momSize[i] >= 0)
                {
                    Add(num, den, Mom + (_momSize[i] * 3) + _mom[i], d, w, row.Return, _mom[i]);
                }
            }
        }

        if (!_annualFormed || !_monthlyFormed)
        {
            return;
        }

        for (var d = 0; d < days; d++)
        {
            double P(int p) => den[(p * days) + d] > 0 ? num[(p * days) + d] / den[(p * days) + d] : double.NaN;
            double SmallMinusBig(int b) => ((P(b) + P(b + 1) + P(b + 2)) / 3) - ((P(b + 3) + P(b + 4) + P(b + 5)) / 3);
            double HighMinusLow(int b) => ((P(b + 2) + P(b + 5)) / 2) - ((P(b) + P(b + 3)) / 2);
            var t = from + d;
            var rf = path.RiskFree[t];
            var smb = (SmallMinusBig(Bm) + SmallMinusBig(Op) + SmallMinusBig(Inv)) / 3;
            Rows.Add((path.Sessions[t], Clean(P(Market) - rf), Clean(SmallMinusBig(Bm)), Clean(smb), Clean(HighMinusLow(Bm)), Clean(HighMinusLow(Op)),
                Clean(-HighMinusLow(Inv)), Clean(HighMinusLow(Mom)), rf));
        }
    }

    /// <summary>June formation of the size, value, profitability and investment portfolios.</summary>
    public void FormAnnual(IReadOnlyList<SecurityState> states, int session, int year)
    {
        var eligible = new List<(int Index, bool Nyse, double Cap, double Bm, double Op, double Inv)>();
        foreach (var s in states)
        {
            if (!s.IsListedAt(session) || s.DecemberCap <= 0)
            {
                continue;
            }

            var last = s.AnnualHistory.FindLast(h => h.Year == year - 1);
            if (last.Year != year - 1 || last.BookEquity <= 0)
            {
                continue;
            }

            var before = s.AnnualHistory.FindLast(h => h.Year == year - 2);
            var investment = before.Year == year - 2 && before.Assets > 0 ? (last.Assets / before.Assets) - 1 : double.NaN;
            eligible.Add((s.Plan.Index, s.Plan.Exchcd == 1, s.MarketCap, last.BookEquity * 1000 / s.DecemberCap, last.Profitability, investment));
        }

        var nyse = eligible.Where(e => e.Nyse).ToList();
        if (nyse.Count < 10)
        {
            return;
        }

        var sizeBreak = Percentile(nyse.Select(e => e.Cap), 0.5);
        var bm = (Percentile(nyse.Select(e => e.Bm), 0.3), Percentile(nyse.Select(e => e.Bm), 0.7));
        var op = (Percentile(nyse.Select(e => e.Op), 0.3), Percentile(nyse.Select(e => e.Op), 0.7));
        var inv = (Percentile(nyse.Select(e => e.Inv), 0.3), Percentile(nyse.Select(e => e.Inv), 0.7));
        if (double.IsNaN(inv.Item1) || double.IsNaN(op.Item1) || double.IsNaN(bm.Item1))
        {
            // Asset growth needs two fiscal years: the first June of the sample cannot form all sorts yet.
            return;
        }

        Array.Fill(_size, -1);
        foreach (var e in eligible)
        {
            _size[e.Index] = e.Cap <= sizeBreak ? 0 : 1;
            _bm[e.Index] = Tercile(e.Bm, bm);
            _op[e.Index] = Tercile(e.Op, op);
            _inv[e.Index] = Tercile(e.Inv, inv);
        }

        _annualFormed = true;
    }

    /// <summary>Month-end formation of the size and momentum portfolios for the next month.</summary>
    public void FormMonthly(IReadOnlyList<SecurityState> states, int session)
    {
        Array.Fill(_momSize, -1);
        var eligible = states.Where(s => s.IsListedAt(session) && s.MonthsOfHistory >= 12)
            .Select(s => (s.Plan.Index, Nyse: s.Plan.Exchcd == 1, Cap: s.MarketCap, Prior: s.PriorReturn12To2()))
            .ToList();
        var nyse = eligible.Where(e => e.Nyse).ToList();
        if (nyse.Count < 10)
        {
            return;
        }

        var sizeBreak = Percentile(nyse.Select(e => e.Cap), 0.5);
        var prior = (Percentile(nyse.Select(e => e.Prior), 0.3), Percentile(nyse.Select(e => e.Prior), 0.7));
        foreach (var e in eligible)
        {
            _momSize[e.Index] = e.Cap <= sizeBreak ? 0 : 1;
            _mom[e.Index] = Tercile(e.Prior, prior);
        }

        _monthlyFormed = true;
    }

    private static void Add(double[] num, double[] den, int portfolio, int day, double weight, double value, int bucket = 0)
    {
        if (bucket < 0 || weight <= 0)
        {
            return;
        }

        var days = num.Length / Portfolios;
        num[(portfolio * days) + day] += weight * value;
        den[(portfolio * days) + day] += weight;
    }

    private static int Tercile(double x, (double Low, double High) breaks) =>
        double.IsNaN(x) || double.IsNaN(breaks.Low) || double.IsNaN(breaks.High) ? -1 : x <= breaks.Low ? 0 : x <= breaks.High ? 1 : 2;

    private static double Percentile(IEnumerable<double> values, double p) => Quantiles.Lower(values.Where(v => !double.IsNaN(v)).Order().ToArray(), p);

    private static double? Clean(double x) => double.IsFinite(x) ? Math.Round(x, 8) : null;

    private static int[] Filled(int n)
    {
        var a = new int[n];
        Array.Fill(a, -1);
        return a;
    }
}
