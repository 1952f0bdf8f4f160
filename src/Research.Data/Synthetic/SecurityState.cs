using Research.Core.Randomness;

namespace Research.Data.Synthetic;

/// <summary>
/// One security's evolving state and the rows it produced in the current year. Securities are independent
/// given the common <see cref="MarketPath"/>, so states advance in parallel; each has its own random stream.
/// </summary>
/// <remarks>
/// Return on session t (all parts planted and recorded in the truth files):
/// r = f_market + f_industry + sum_s x_s f_s (exposures fixed at the previous month end)
///   + m_t sigma_i (IC z_(t-1) + sqrt(1 - IC^2) u_t) (specific: alpha score z, unit-variance Student-t u)
///   + earnings jump on the report day and post-announcement drift for 60 sessions
///   + distress drift before a performance delisting, a bid premium 40 sessions before a merger.
/// </remarks>
internal sealed class SecurityState
{
    private const int DriftSessions = 60;
    private const double EarningsJumpPerSue = 0.02;
    private const double DriftPerSue = 0.0002;
    private const double DistressDrift = -0.004;
    private const int DistressSessions = 120;
    private const double MergerPremium = 0.15;
    private const int MergerAnnouncementLead = 40;

    private readonly DeterministicRandom _rng;
    private readonly double[] _styles;
    private readonly Queue<double> _lastEps = new();
    private readonly Queue<(double Sales, double Cogs, double Sga, double NetIncome)> _lastQuarters = new();
    private readonly double[] _monthlyReturns = new double[12];
    private readonly double[] _monthEndMarket = new double[13];
    private double _price;
    private double _shares;
    private double _adjustment;
    private double _score;
    private double _drift;
    private int _driftLeft;
    private double _epsSigma;
    private double _monthGrowth = 1.0;

    public SecurityState(SecurityPlan plan, ulong seed)
    {
        Plan = plan;
        _rng = DeterministicRandom.ForStream(seed, StreamKinds.SecurityPath, (ulong)plan.Index);
        _styles = (double[])plan.InitialStyles.Clone();
        _price = plan.InitialPrice;
        _shares = plan.InitialShares;
        _adjustment = plan.InitialAdjustmentFactor;
        _score = _rng.NextGaussian();
    }

    public SecurityPlan Plan { get; }

    public List<DailyRow> Daily { get; } = [];

    public List<ExposureRow> Exposures { get; } = [];

    public List<AlphaRow> Alpha { get; } = [];

    public List<QuarterlyRow> Quarterly { get; } = [];

    public List<AnnualRow> Annual { get; } = [];

    /// <summary>Market cap ($ thousands) at the last simulated close.</summary>
    public double MarketCap => _price * _shares;

    /// <summary>Months of return history available for momentum (at most 12).</summary>
    public int MonthsOfHistory { get; private set; }

    /// <summary>Market cap at the last December close, for Fama-French B/M.</summary>
    public double DecemberCap { get; private set; }

    /// <summary>Annual accounting history (calendar year of datadate, book equity, operating profitability, assets).</summary>
    public List<(int Year, double BookEquity, double Profitability, double Assets)> AnnualHistory { get; } = [];

    /// <summary>Cumulative return from month m-12 to m-2 (the standard 12-1 momentum), valid when 12 months are known.</summary>
    public double PriorReturn12To2()
    {
        var growth = 1.0;
        for (var lag = 2; lag <= 12; lag++)
        {
            growth *= 1.0 + _monthlyReturns[(MonthsOfHistory - lag + 1200) % 12];
        }

        return growth - 1.0;
    }

    public bool IsListedAt(int session) => session >= Plan.FirstSession && session <= Plan.LastSession;

    public void ClearYear()
    {
        Daily.Clear();
        Exposures.Clear();
        Alpha.Clear();
        Quarterly.Clear();
        Annual.Clear();
    }

    /// <summary>Advances the security through sessions [from, to] of the path.</summary>
    public void Simulate(int from, int to, MarketPath path, SyntheticMarketOptions options)
    {
        var first = Math.Max(from, Plan.FirstSession);
        var last = Math.Min(to, Plan.LastSession);
        var sessions = path.Sessions;
        var ic = options.AlphaIc;
        var icComplement = Math.Sqrt(1 - (ic * ic));
        var phi = options.AlphaPersistence;
        var phiComplement = Math.Sqrt(1 - (phi * phi));
        for (var t = first; t <= last; t++)
        {
            // Fama-French weights: market cap at the previous close (none on the first row).
            var capBefore = t == Plan.FirstSession ? 0.0 : _price * _shares;
            var monthStart = t == Plan.FirstSession || sessions[t].Month != sessions[t - 1].Month;
            if (monthStart)
            {
                StartMonth(t, path);
            }

            var systematic = path.Factor(t, 0) + path.Factor(t, SyntheticFactorModel.FirstIndustry + Plan.Industry);
            for (var s = 0; s < _styles.Length; s++)
            {
                systematic += _styles[s] * path.Factor(t, SyntheticFactorModel.FirstStyle + s);
            }

            var u = _rng.NextStudentT(SyntheticFactorModel.TailDegreesOfFreedom);
            var specific = path.SpecificMultiplier[t] * Plan.SpecificVol * ((ic * _score) + (icComplement * u));
            var events = EventReturn(t);
            var total = Math.Round(Math.Max(-0.9, systematic + specific + events), 6);
            _score = (phi * _score) + (phiComplement * _rng.NextGaussian());

            var dividend = Plan.Dividends.TryGetValue(t, out var d) && total - d > -0.9 ? d : 0.0;
            var exDividend = Math.Round(total - dividend, 6);
            var ratio = Plan.Splits.TryGetValue(t, out var r) ? r : 1.0;
            var previous = _price / ratio;
            _price = Math.Round(Math.Max(0.0001, previous * (1.0 + exDividend)), 4);
            _shares *= ratio;
            _adjustment /= ratio;
            var open = Math.Round(previous * Math.Pow(1.0 + exDividend, 0.35) * Math.Exp(0.003 * _rng.NextGaussian()), 4);
            var activity = 0.5 + (0.5 * Math.Abs(u)) + (Math.Abs(events) * 20);
            var volume = Math.Round(_shares * 1000 * Plan.Turnover * activity * Math.Exp(0.25 * _rng.NextGaussian()) / 100) * 100;
            var traded = !(Plan.Illiquid && _rng.Bernoulli(0.02));
            Daily.Add(new DailyRow(t, traded ? _price : -_price, traded ? open : null, total, exDividend, traded ? volume : 0, _shares, _adjustment, capBefore));
            Alpha.Add(new AlphaRow(t, (float)_score));
            _monthGrowth *= 1.0 + total;

            var monthEnd = t == sessions.Length - 1 || sessions[t + 1].Month != sessions[t].Month;
            if (monthEnd)
            {
                EndMonth(sessions[t], path.MarketLevel[t]);
            }
        }
    }

    private void StartMonth(int t, MarketPath path)
    {
        var marketLevel = t == 0 ? 1.0 : path.MarketLevel[t - 1];
        _styles[0] = Math.Clamp((Math.Log(_price * _shares) - SecurityPlanner.LogCapMean - Math.Log(marketLevel)) / SecurityPlanner.LogCapSd, -3, 3);
        for (var s = 1; s < _styles.Length; s++)
        {
            var rho = SyntheticFactorModel.StylePersistence[s];
            _styles[s] = (rho * _styles[s]) + (Math.Sqrt(1 - (rho * rho)) * _rng.NextGaussian());
        }

        if (MonthsOfHistory >= 13)
        {
            // Momentum is relative strength: the 12-2 month log return in excess of the market's, scaled to
            // unit cross-sectional spread (about 0.38 for 11 months of ~2.5% daily volatility).
            var market = Math.Log(_monthEndMarket[(MonthsOfHistory - 2) % 13] / _monthEndMarket[(MonthsOfHistory - 13) % 13]);
            _styles[2] = Math.Clamp((Math.Log(1 + PriorReturn12To2()) - market) / 0.38, -3, 3);
        }

        if (t != Plan.FirstSession)
        {
            _shares = Math.Max(100.0, Math.Round(_shares * Math.Exp(0.003 * _rng.NextGaussian())));
        }

        Exposures.Add(new ExposureRow(t, _styles[0], _styles[1], _styles[2], _styles[3], _styles[4]));
    }

    private void EndMonth(DateOnly date, double marketLevel)
    {
        _monthlyReturns[MonthsOfHistory % 12] = _monthGrowth - 1.0;
        _monthEndMarket[MonthsOfHistory % 13] = marketLevel;
        MonthsOfHistory++;
        _monthGrowth = 1.0;
        if (date.Month == 12)
        {
            DecemberCap = MarketCap;
        }

        var quarterEnd = new DateOnly(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month));
        if (Plan.ReportSessions.TryGetValue(quarterEnd, out var report))
        {
            AddQuarter(quarterEnd, report);
        }
    }

    private double EventReturn(int t)
    {
        var events = 0.0;
        if (_driftLeft > 0)
        {
            events += _drift;
            _driftLeft--;
        }

        if (Plan.EarningsSurprises.TryGetValue(t, out var sue))
        {
            events += EarningsJumpPerSue * sue;
            _drift = DriftPerSue * sue;
            _driftLeft = DriftSessions;
        }

        if (Plan.Delisting == DelistingKind.Performance && t > Plan.LastSession - DistressSessions)
        {
            events += DistressDrift;
        }

        if (Plan.Delisting == DelistingKind.Merger && t == Plan.LastSession - MergerAnnouncementLead)
        {
            events += MergerPremium;
        }

        return events;
    }

    private void AddQuarter(DateOnly quarterEnd, int reportSession)
    {
        var (value, quality) = (_styles[1], _styles[3]);
        var cap = MarketCap / 1000.0;
        var bookToMarket = Math.Exp(-0.6 + (0.5 * value) + (0.15 * _rng.NextGaussian()));
        var equity = Round(bookToMarket * cap);
        var assets = Round(equity * Plan.Leverage);
        var sales = Round(assets * Plan.AssetTurnover / 4.0);
        var cogs = Round(sales * Math.Clamp(0.62 - (0.06 * quality), 0.2, 0.95));
        var sga = Round(sales * 0.15);
        var shares = Round(_shares / 1000.0);
        var target = (0.10 + (0.04 * quality)) * equity / 4.0 / shares;
        if (_epsSigma == 0)
        {
            _epsSigma = (0.05 * Math.Abs(target)) + 0.01;
        }

        double? fourAgo = _lastEps.Count == 4 ? _lastEps.Dequeue() : null;
        var expected = fourAgo is { } p ? p + (0.5 * (target - p)) : target;
        var sue = Plan.EarningsSurprises[reportSession];
        var eps = Math.Round(expected + (_epsSigma * sue), 4);
        _lastEps.Enqueue(eps);
        var netIncome = Round(eps * shares);

        var fyr = Plan.FiscalYearEndMonth;
        var position = (quarterEnd.Month - fyr + 12) % 12;
        var fiscalQuarter = position == 0 ? 4 : position / 3;
        var fiscalYearEndYear = quarterEnd.Month <= fyr ? quarterEnd.Year : quarterEnd.Year + 1;
        var fiscalYear = fyr >= 6 ? fiscalYearEndYear : fiscalYearEndYear - 1;
        var (ticker, name) = NameAt(reportSession);
        Quarterly.Add(new QuarterlyRow(quarterEnd, fiscalYear, fiscalQuarter, reportSession, ticker, name, assets,
            Round(assets - equity), equity, sales, cogs, sga, netIncome, shares, eps, Math.Round(expected, 6), Math.Round(_epsSigma, 6)));

        _lastQuarters.Enqueue((sales, cogs, sga, netIncome));
        if (_lastQuarters.Count > 4)
        {
            _lastQuarters.Dequeue();
        }

        if (fiscalQuarter == 4)
        {
            var scale = 4.0 / _lastQuarters.Count;
            var annualSales = Round(_lastQuarters.Sum(q => q.Sales) * scale);
            var annualCogs = Round(_lastQuarters.Sum(q => q.Cogs) * scale);
            var annualSga = Round(_lastQuarters.Sum(q => q.Sga) * scale);
            var annualIncome = Round(_lastQuarters.Sum(q => q.NetIncome) * scale);
            var deferred = Round(0.02 * assets);
            var row = new AnnualRow(quarterEnd, fiscalYear, "INDL", ticker, name, assets, Round(assets - equity), equity,
                annualSales, annualCogs, annualSga, annualIncome, shares, _price, deferred);
            Annual.Add(row);
            if (_rng.Bernoulli(0.03))
            {
                // Compustat also carries financial-services format rows for some firms; the standard filter drops them.
                Annual.Add(row with { IndustryFormat = "FS", Assets = Round(assets * 1.05), NetIncome = Round(annualIncome * 1.05) });
            }

            var book = equity + deferred;
            AnnualHistory.Add((quarterEnd.Year, book, book > 0 ? (annualSales - annualCogs - annualSga) / book : double.NaN, assets));
            if (AnnualHistory.Count > 3)
            {
                AnnualHistory.RemoveAt(0);
            }
        }
    }

    /// <summary>Ticker and company name in force at a session.</summary>
    public (string Ticker, string Name) NameAt(int session)
    {
        var current = Plan.Names[0];
        foreach (var entry in Plan.Names)
        {
            if (entry.Session <= session)
            {
                current = entry;
            }
        }

        return (current.Ticker, current.Name);
    }

    private static double Round(double x) => Math.Round(x, 3);
}
