using Research.Core.Calendars;
using Research.Core.Randomness;

namespace Research.Data.Synthetic;

/// <summary>Draws <see cref="SecurityPlan"/>s: the universe at the start and the new listings of each year.</summary>
internal static class SecurityPlanner
{
    /// <summary>Mean log market cap ($ thousands) of securities alive at the start: about $1.5bn.</summary>
    public const double LogCapMean = 14.22;

    /// <summary>Cross-sectional standard deviation of log market cap.</summary>
    public const double LogCapSd = 1.5;

    private const double ListingRatePerYear = 0.06;
    private const double PerformanceDelistingRatePerYear = 0.02;
    private const double MergerRatePerYear = 0.03;
    private const double SplitRatePerYear = 0.03;
    private const double TickerChangeRatePerYear = 0.02;
    private const double NameChangeRatePerYear = 0.01;
    private const int MinimumLifeSessions = 60;

    private static readonly string[] NameStems =
    [
        "Acme", "Apex", "Atlas", "Beacon", "Cascade", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor",
        "Ion", "Juniper", "Keystone", "Lumen", "Meridian", "Nimbus", "Orion", "Pioneer", "Quarry", "Redwood",
        "Summit", "Tidal", "Union", "Vertex", "Willow", "Zenith",
    ];

    private static readonly string[] NameSuffixes = ["Corp", "Inc", "Holdings", "Group", "Industries", "Co"];

    /// <summary>Plans the whole universe: initial securities, then each year's listings in order.</summary>
    public static List<SecurityPlan> PlanUniverse(SyntheticMarketOptions options, MarketPath path)
    {
        var plans = new List<SecurityPlan>(options.Stocks * (1 + options.Years / 10));
        for (var i = 0; i < options.Stocks; i++)
        {
            plans.Add(Draw(options, path, plans.Count, firstSession: 0, initial: true));
        }

        var listings = DeterministicRandom.ForStream(options.Seed, StreamKinds.Listings, 0);
        for (var year = options.StartYear; year <= options.EndYear; year++)
        {
            var first = Array.FindIndex(path.Sessions, d => d.Year == year);
            var last = Array.FindLastIndex(path.Sessions, d => d.Year == year);
            var count = listings.NextPoisson(options.Stocks * ListingRatePerYear * (last - first + 1) / (double)Annualisation.SessionsPerYear);
            var sessions = new int[count];
            for (var n = 0; n < count; n++)
            {
                sessions[n] = first + listings.NextInt(last - first + 1);
            }

            Array.Sort(sessions);
            foreach (var session in sessions)
            {
                if (session > 0 && session < path.Sessions.Length - 1)
                {
                    plans.Add(Draw(options, path, plans.Count, session, initial: false));
                }
            }
        }

        return plans;
    }

    private static SecurityPlan Draw(SyntheticMarketOptions options, MarketPath path, int index, int firstSession, bool initial)
    {
        var rng = DeterministicRandom.ForStream(options.Seed, StreamKinds.SecurityPlan, (ulong)index);
        var sessions = path.Sessions;
        var lastIndex = sessions.Length - 1;

        var industry = Categorical(rng, SyntheticFactorModel.IndustryWeights);
        var marketShift = firstSession == 0 ? 0.0 : Math.Log(path.MarketLevel[firstSession - 1]);
        var logCap = initial
            ? LogCapMean + (LogCapSd * rng.NextGaussian())
            : LogCapMean - 1.0 + marketShift + (1.2 * rng.NextGaussian());
        var size0 = Math.Clamp((logCap - LogCapMean - marketShift) / LogCapSd, -3, 3);
        var price = Math.Clamp(Math.Exp(Math.Log(25) + (0.9 * rng.NextGaussian()) + (0.2 * size0)), 2.0, 500.0);
        var shares = Math.Max(100.0, Math.Round(Math.Exp(logCap) / price));
        var exchcd = size0 > 0.3 ? (rng.Bernoulli(0.75) ? 1 : 3) : (rng.Bernoulli(0.15) ? 2 : rng.Bernoulli(0.25) ? 1 : 3);

        // How and when it ends: competing exponential hazards, small caps fail more often.
        var performanceRate = PerformanceDelistingRatePerYear * Math.Exp(-0.6 * size0) / Annualisation.SessionsPerYear;
        var mergerRate = MergerRatePerYear / (double)Annualisation.SessionsPerYear;
        var toFailure = rng.NextExponential(1.0 / performanceRate);
        var toMerger = rng.NextExponential(1.0 / mergerRate);
        var life = (int)Math.Max(MinimumLifeSessions, Math.Min(toFailure, toMerger));
        var delisting = DelistingKind.None;
        var last = lastIndex;
        if (firstSession + life < lastIndex)
        {
            last = firstSession + life;
            delisting = toFailure < toMerger ? DelistingKind.Performance : DelistingKind.Merger;
        }

        var (code, dlret) = delisting switch
        {
            DelistingKind.Performance => (
                new[] { 552, 560, 574, 580, 584 }[rng.NextInt(5)],
                rng.Bernoulli(0.75) ? Math.Round(Math.Clamp(-0.35 + (0.25 * rng.NextGaussian()), -1.0, 0.5), 6) : (double?)null),
            DelistingKind.Merger => (new[] { 231, 233, 241 }[rng.NextInt(3)], Math.Round(0.003 + (0.01 * rng.NextGaussian()), 6)),
            _ => (0, (double?)null),
        };

        var splits = new Dictionary<int, double>();
        foreach (var s in PoissonSessions(rng, firstSession + 1, last, SplitRatePerYear))
        {
            var u = rng.NextDouble();
            splits[s] = u < 0.7 ? 2.0 : u < 0.9 ? 1.5 : 3.0;
        }

        var names = new List<(int, string, string)> { (firstSession, Ticker(index, 0), CompanyName(rng)) };
        var changes = PoissonSessions(rng, firstSession + 1, last, TickerChangeRatePerYear)
            .Select(s => (Session: s, Ticker: true))
            .Concat(PoissonSessions(rng, firstSession + 1, last, NameChangeRatePerYear).Select(s => (Session: s, Ticker: false)))
            .OrderBy(c => c.Session)
            .Take(3);
        foreach (var change in changes)
        {
            var (previousSession, ticker, name) = names[^1];
            if (change.Session == previousSession)
            {
                continue;
            }

            names.Add(change.Ticker
                ? (change.Session, Ticker(index, names.Count), name)
                : (change.Session, ticker, CompanyName(rng)));
        }

        var fyr = rng.NextDouble() switch { < 0.7 => 12, < 0.8 => 6, < 0.9 => 9, _ => 3 };
        var payer = rng.Bernoulli(0.3 + (0.2 * Math.Clamp(size0, -1, 1)));
        var annualYield = 0.01 + (0.03 * rng.NextDouble());
        var dividends = new Dictionary<int, double>();
        var surprises = new Dictionary<int, double>();
        var reports = new Dictionary<DateOnly, int>();
        var firstDate = sessions[firstSession];
        for (var (y, m) = (firstDate.Year, firstDate.Month); new DateOnly(y, m, 1) <= sessions[last]; (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1))
        {
            if ((m - fyr + 12) % 3 != 0)
            {
                continue;
            }

            var quarterEnd = new DateOnly(y, m, DateTime.DaysInMonth(y, m));
            var lagDays = m == fyr ? 40 + rng.NextInt(51) : 20 + rng.NextInt(71);
            var report = SessionOnOrAfter(sessions, quarterEnd.AddDays(lagDays));
            var surprise = rng.NextGaussian();
            if (quarterEnd >= firstDate && report <= last)
            {
                reports[quarterEnd] = report;
                surprises[report] = surprise;
            }

            var exDate = SessionOnOrAfter(sessions, quarterEnd.AddDays(15 + rng.NextInt(10)));
            if (payer && exDate > firstSession && exDate <= last)
            {
                dividends[exDate] = Math.Round(annualYield / 4.0, 6);
            }
        }

        var linked = rng.Bernoulli(0.92);
        var linkStart = rng.Bernoulli(0.1) ? Math.Min(last, firstSession + rng.NextInt(Annualisation.SessionsPerYear)) : firstSession;
        double[] styles = [size0, rng.NextGaussian(), rng.NextGaussian(), rng.NextGaussian(), rng.NextGaussian()];
        return new SecurityPlan
        {
            Index = index,
            Permno = 10001 + index,
            Permco = 50001 + index,
            Gvkey = linked ? (1001 + index).ToString("D6", System.Globalization.CultureInfo.InvariantCulture) : null,
            LinkStartSession = linkStart,
            LinkType = rng.Bernoulli(0.85) ? "LC" : "LU",
            Industry = industry,
            Exchcd = exchcd,
            Shrcd = rng.Bernoulli(0.8) ? 11 : 10,
            FirstSession = firstSession,
            LastSession = last,
            ListingDate = initial ? firstDate.AddDays(-(365 + rng.NextInt(365 * 20))) : firstDate,
            Delisting = delisting,
            DelistingCode = code,
            DelistingReturn = dlret,
            Splits = splits,
            Names = names,
            Dividends = dividends,
            FiscalYearEndMonth = fyr,
            EarningsSurprises = surprises,
            ReportSessions = reports,
            SpecificVol = SpecificVolatility(size0, styles[4]),
            InitialPrice = Math.Round(price, 4),
            InitialShares = shares,
            InitialStyles = styles,
            Leverage = 1.5 + (2.0 * rng.NextDouble()),
            AssetTurnover = 0.4 + (1.2 * rng.NextDouble()),
            Turnover = 0.006 * Math.Exp(0.3 * rng.NextGaussian()),
            Illiquid = size0 < -1.3,
        };
    }

    /// <summary>
    /// Daily specific volatility: small caps are more volatile, and the low-volatility style is what makes a stock
    /// quiet (sigma = 0.02 exp(-0.25 size - 0.3 low_vol), clamped to [0.8%, 5%]), so trailing volatility reveals it.
    /// </summary>
    internal static double SpecificVolatility(double size, double lowVol) =>
        Math.Clamp(0.02 * Math.Exp((-0.25 * size) - (0.3 * lowVol)), 0.008, 0.05);

    /// <summary>
    /// Ticker for the n-th name of a security: a bijective scramble of (index, n) into four letters, so no two
    /// securities ever share a ticker.
    /// </summary>
    internal static string Ticker(int index, int n)
    {
        const int space = 26 * 26 * 26 * 26;
        var code = (int)((((long)index * 4) + n) * 7919 % space);
        Span<char> chars = stackalloc char[4];
        for (var i = 3; i >= 0; i--)
        {
            chars[i] = (char)('A' + (code % 26));
            code /= 26;
        }

        return new string(chars);
    }

    internal static int SessionOnOrAfter(DateOnly[] sessions, DateOnly date)
    {
        var i = Array.BinarySearch(sessions, date);
        return i >= 0 ? i : ~i;
    }

    private static string CompanyName(DeterministicRandom rng) =>
        $"{NameStems[rng.NextInt(NameStems.Length)]} {NameStems[rng.NextInt(NameStems.Length)]} {NameSuffixes[rng.NextInt(NameSuffixes.Length)]}".ToUpperInvariant();

    private static List<int> PoissonSessions(DeterministicRandom rng, int from, int to, double ratePerYear)
    {
        var result = new List<int>();
        var t = from + rng.NextExponential(Annualisation.SessionsPerYear / ratePerYear);
        while (t < to)
        {
            result.Add((int)t);
            t += rng.NextExponential(Annualisation.SessionsPerYear / ratePerYear);
        }

        return result;
    }

    private static int Categorical(DeterministicRandom rng, IReadOnlyList<double> weights)
    {
        var u = rng.NextDouble();
        var cumulative = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            cumulative += weights[i];
            if (u < cumulative)
            {
                return i;
            }
        }

        return weights.Count - 1;
    }
}
