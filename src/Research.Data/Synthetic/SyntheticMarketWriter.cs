using System.Globalization;
using System.Text.Json;
using Research.Core.Randomness;
using Research.Data.Warehouse;

namespace Research.Data.Synthetic;

/// <summary>
/// Lays the synthetic market out as WRDS-shaped datasets (hive-style <c>year=YYYY</c> partitions for
/// panels) plus the truth files. Column names follow WRDS (crsp.dsf, crsp.dsenames, crsp.dsedelist,
/// comp.funda, comp.fundq, crsp.ccmxpf_lnkhist, ff.factors_daily, TAQ ctm/cqm).
/// </summary>
internal sealed class SyntheticMarketWriter(string root)
{
    private static readonly ParquetColumnSpec[] DailyColumns =
    [
        ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<int>("permco"), ParquetColumnSpec.Of<DateOnly>("date"),
        ParquetColumnSpec.Of<int>("hexcd"), ParquetColumnSpec.Of<double>("prc"), ParquetColumnSpec.OfNullable<double>("openprc"),
        ParquetColumnSpec.Of<double>("ret"), ParquetColumnSpec.Of<double>("retx"), ParquetColumnSpec.Of<double>("vol"),
        ParquetColumnSpec.Of<double>("shrout"), ParquetColumnSpec.Of<double>("cfacpr"), ParquetColumnSpec.Of<double>("cfacshr"),
    ];

    public List<GeneratedFile> Files { get; } = [];

    public async Task WriteYearAsync(int year, IReadOnlyList<SecurityState> states, MarketPath path, CancellationToken ct)
    {
        var sessions = path.Sessions;
        var partition = string.Create(CultureInfo.InvariantCulture, $"year={year}");
        // Date-major order (date, permno): row-group statistics on date then let a one-day query read one row group.
        var rows = states.Sum(s => s.Daily.Count);
        var firstSession = rows == 0 ? 0 : states.Where(s => s.Daily.Count > 0).Min(s => s.Daily[0].Session);
        var lastSession = rows == 0 ? 0 : states.Where(s => s.Daily.Count > 0).Max(s => s.Daily[^1].Session);
        var offsets = new int[lastSession - firstSession + 2];
        foreach (var s in states)
        {
            foreach (var r in s.Daily)
            {
                offsets[r.Session - firstSession + 1]++;
            }
        }

        for (var i = 1; i < offsets.Length; i++)
        {
            offsets[i] += offsets[i - 1];
        }

        var permno = new int[rows];
        var permco = new int[rows];
        var date = new DateOnly[rows];
        var hexcd = new int[rows];
        var prc = new double[rows];
        var open = new double?[rows];
        var ret = new double[rows];
        var retx = new double[rows];
        var vol = new double[rows];
        var shrout = new double[rows];
        var cfac = new double[rows];
        foreach (var s in states)
        {
            foreach (var r in s.Daily)
            {
                var n = offsets[r.Session - firstSession]++;
                permno[n] = s.Plan.Permno;
                permco[n] = s.Plan.Permco;
                date[n] = sessions[r.Session];
                hexcd[n] = s.Plan.Exchcd;
                prc[n] = r.Price;
                open[n] = r.Open;
                ret[n] = r.Return;
                retx[n] = r.ReturnExDividend;
                vol[n] = r.Volume;
                shrout[n] = r.Shares;
                cfac[n] = r.AdjustmentFactor;
            }
        }

        await WriteAsync("crsp/daily", partition, DailyColumns, [permno, permco, date, hexcd, prc, open, ret, retx, vol, shrout, cfac, cfac], ct, rowGroup: 100_000).ConfigureAwait(false);

        var exposures = states.SelectMany(s => s.Exposures.Select(e => (s.Plan, e))).ToArray();
        await WriteAsync("truth/exposures", partition,
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("industry"),
             ParquetColumnSpec.Of<double>("size"), ParquetColumnSpec.Of<double>("value"), ParquetColumnSpec.Of<double>("momentum"),
             ParquetColumnSpec.Of<double>("quality"), ParquetColumnSpec.Of<double>("low_vol")],
            [exposures.Select(x => x.Plan.Permno).ToArray(), exposures.Select(x => sessions[x.e.Session]).ToArray(),
             exposures.Select(x => x.Plan.Industry).ToArray(), exposures.Select(x => x.e.Size).ToArray(),
             exposures.Select(x => x.e.Value).ToArray(), exposures.Select(x => x.e.Momentum).ToArray(),
             exposures.Select(x => x.e.Quality).ToArray(), exposures.Select(x => x.e.LowVol).ToArray()], ct).ConfigureAwait(false);

        var alphaRows = states.Sum(s => s.Alpha.Count);
        var alphaPermno = new int[alphaRows];
        var alphaDate = new DateOnly[alphaRows];
        var alphaScore = new float[alphaRows];
        var n2 = 0;
        foreach (var s in states)
        {
            foreach (var a in s.Alpha)
            {
                alphaPermno[n2] = s.Plan.Permno;
                alphaDate[n2] = sessions[a.Session];
                alphaScore[n2] = a.Score;
                n2++;
            }
        }

        await WriteAsync("truth/alpha", partition,
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<float>("score")],
            [alphaPermno, alphaDate, alphaScore], ct).ConfigureAwait(false);

        await WriteQuarterlyAsync(partition, states, sessions, ct).ConfigureAwait(false);
        await WriteAnnualAsync(partition, states, ct).ConfigureAwait(false);
    }

    public async Task WriteIntradayAsync(IReadOnlyList<SecurityState> states, MarketPath path, SyntheticMarketOptions options, CancellationToken ct)
    {
        var lastSession = path.Sessions.Length - 1;
        var chosen = states.Where(s => s.IsListedAt(lastSession))
            .OrderByDescending(s => s.MarketCap).ThenBy(s => s.Plan.Permno)
            .Take(options.IntradaySymbols)
            .OrderBy(s => s.Plan.Permno)
            .ToArray();
        for (var t = Math.Max(0, lastSession - options.IntradayDays + 1); t <= lastSession && chosen.Length > 0; t++)
        {
            var date = path.Sessions[t];
            var trades = new List<(string Symbol, IntradayTape Tape)>();
            foreach (var s in chosen)
            {
                var row = s.Daily.Find(r => r.Session == t);
                if (row.Open is not { } openPrice || row.Volume <= 0)
                {
                    continue;
                }

                var rng = DeterministicRandom.ForStream(options.Seed, StreamKinds.Intraday, ((ulong)s.Plan.Index << 20) | (uint)t);
                var dailyVol = Math.Sqrt(Math.Pow(s.Plan.SpecificVol * path.SpecificMultiplier[t], 2) + Math.Pow(SyntheticFactorModel.MarketVol, 2));
                trades.Add((s.NameAt(t).Ticker, IntradaySimulator.Simulate(date, openPrice, Math.Abs(row.Price), row.Volume, dailyVol, rng, options.IntradayTradeSize)));
            }

            var partition = "date=" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await WriteAsync("taq/trades", partition,
                [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<long>("time_m_us"), ParquetColumnSpec.Of<string>("sym_root"),
                 ParquetColumnSpec.Of<double>("price"), ParquetColumnSpec.Of<int>("size")],
                [trades.SelectMany(x => x.Tape.TradeTimes.Select(_ => date)).ToArray(), trades.SelectMany(x => x.Tape.TradeTimes).ToArray(),
                 trades.SelectMany(x => x.Tape.TradeTimes.Select(_ => x.Symbol)).ToArray(), trades.SelectMany(x => x.Tape.TradePrices).ToArray(),
                 trades.SelectMany(x => x.Tape.TradeSizes).ToArray()], ct).ConfigureAwait(false);
            await WriteAsync("taq/quotes", partition,
                [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<long>("time_m_us"), ParquetColumnSpec.Of<string>("sym_root"),
                 ParquetColumnSpec.Of<double>("bid"), ParquetColumnSpec.Of<int>("bidsiz"), ParquetColumnSpec.Of<double>("ask"), ParquetColumnSpec.Of<int>("asksiz")],
                [trades.SelectMany(x => x.Tape.QuoteTimes.Select(_ => date)).ToArray(), trades.SelectMany(x => x.Tape.QuoteTimes).ToArray(),
                 trades.SelectMany(x => x.Tape.QuoteTimes.Select(_ => x.Symbol)).ToArray(), trades.SelectMany(x => x.Tape.Bids).ToArray(),
                 trades.SelectMany(x => x.Tape.BidSizes).ToArray(), trades.SelectMany(x => x.Tape.Asks).ToArray(),
                 trades.SelectMany(x => x.Tape.AskSizes).ToArray()], ct).ConfigureAwait(false);
        }
    }

    public async Task WriteStaticTablesAsync(IReadOnlyList<SecurityState> states, MarketPath path, FamaFrenchSorts sorts, CancellationToken ct)
    {
        var sessions = path.Sessions;
        var lastSession = sessions.Length - 1;

        // crsp/names (dsenames): one row per name spell; nameendt of the last spell is the last trading date.
        var names = states.SelectMany(s => s.Plan.Names.Select((name, i) =>
        {
            var start = i == 0 ? (s.Plan.FirstSession == 0 ? s.Plan.ListingDate : sessions[name.Session]) : sessions[name.Session];
            var end = i + 1 < s.Plan.Names.Count ? sessions[s.Plan.Names[i + 1].Session].AddDays(-1) : sessions[s.Plan.LastSession];
            return (s.Plan, Start: start, End: end, name.Ticker, name.Name);
        })).ToArray();
        await WriteAsync("crsp/names", null,
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<int>("permco"), ParquetColumnSpec.Of<DateOnly>("namedt"),
             ParquetColumnSpec.Of<DateOnly>("nameendt"), ParquetColumnSpec.Of<string>("ticker"), ParquetColumnSpec.Of<string>("comnam"),
             ParquetColumnSpec.Of<int>("shrcd"), ParquetColumnSpec.Of<int>("exchcd"), ParquetColumnSpec.Of<int>("siccd"),
             ParquetColumnSpec.Of<string>("ncusip")],
            [names.Select(x => x.Plan.Permno).ToArray(), names.Select(x => x.Plan.Permco).ToArray(), names.Select(x => x.Start).ToArray(),
             names.Select(x => x.End).ToArray(), names.Select(x => x.Ticker).ToArray(), names.Select(x => x.Name).ToArray(),
             names.Select(x => x.Plan.Shrcd).ToArray(), names.Select(x => x.Plan.Exchcd).ToArray(),
             names.Select(x => SyntheticFactorModel.IndustrySic[x.Plan.Industry]).ToArray(),
             names.Select(x => "9" + x.Plan.Permno.ToString("D6", CultureInfo.InvariantCulture) + "0").ToArray()], ct).ConfigureAwait(false);

        // crsp/delisting (dsedelist): the delisting date is the session after the last trading day.
        var delisted = states.Where(s => s.Plan.Delisting != DelistingKind.None).ToArray();
        await WriteAsync("crsp/delisting", null,
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("dlstdt"), ParquetColumnSpec.Of<int>("dlstcd"),
             ParquetColumnSpec.OfNullable<double>("dlret"), ParquetColumnSpec.Of<DateOnly>("last_trade_date")],
            [delisted.Select(s => s.Plan.Permno).ToArray(), delisted.Select(s => sessions[Math.Min(lastSession, s.Plan.LastSession + 1)]).ToArray(),
             delisted.Select(s => s.Plan.DelistingCode).ToArray(), delisted.Select(s => s.Plan.DelistingReturn).ToArray(),
             delisted.Select(s => sessions[s.Plan.LastSession]).ToArray()], ct).ConfigureAwait(false);

        // ccm/links (ccmxpf_lnkhist): linkenddt NULL while the link is current (WRDS shows 'E').
        var linked = states.Where(s => s.Plan.Gvkey is not null).ToArray();
        await WriteAsync("ccm/links", null,
            [ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<int>("lpermno"), ParquetColumnSpec.Of<int>("lpermco"),
             ParquetColumnSpec.Of<string>("linktype"), ParquetColumnSpec.Of<string>("linkprim"), ParquetColumnSpec.Of<DateOnly>("linkdt"),
             ParquetColumnSpec.OfNullable<DateOnly>("linkenddt")],
            [linked.Select(s => s.Plan.Gvkey!).ToArray(), linked.Select(s => s.Plan.Permno).ToArray(), linked.Select(s => s.Plan.Permco).ToArray(),
             linked.Select(s => s.Plan.LinkType).ToArray(), linked.Select(_ => "P").ToArray(),
             linked.Select(s => s.Plan.LinkStartSession == 0 && s.Plan.FirstSession == 0 ? s.Plan.ListingDate : sessions[s.Plan.LinkStartSession]).ToArray(),
             linked.Select(s => s.Plan.Delisting == DelistingKind.None ? (DateOnly?)null : sessions[s.Plan.LastSession]).ToArray()], ct).ConfigureAwait(false);

        await WriteAsync("truth/specific_risk", null,
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<int>("industry"), ParquetColumnSpec.Of<double>("specific_vol")],
            [states.Select(s => s.Plan.Permno).ToArray(), states.Select(s => s.Plan.Industry).ToArray(), states.Select(s => s.Plan.SpecificVol).ToArray()], ct).ConfigureAwait(false);

        var k = SyntheticFactorModel.FactorCount;
        var factorSpecs = new List<ParquetColumnSpec> { ParquetColumnSpec.Of<DateOnly>("date") };
        factorSpecs.AddRange(SyntheticFactorModel.FactorNames.Select(ParquetColumnSpec.Of<double>));
        factorSpecs.Add(ParquetColumnSpec.Of<double>("specific_vol_multiplier"));
        var factorColumns = new List<Array> { sessions };
        for (var j = 0; j < k; j++)
        {
            factorColumns.Add(Enumerable.Range(0, sessions.Length).Select(t => path.Factor(t, j)).ToArray());
        }

        factorColumns.Add(path.SpecificMultiplier);
        await WriteAsync("truth/factor_returns", null, factorSpecs, factorColumns, ct).ConfigureAwait(false);

        var ff = sorts.Rows;
        await WriteAsync("famafrench/factors_daily", null,
            [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.OfNullable<double>("mktrf"), ParquetColumnSpec.OfNullable<double>("smb"),
             ParquetColumnSpec.OfNullable<double>("hml"), ParquetColumnSpec.Of<double>("rf"), ParquetColumnSpec.OfNullable<double>("umd")],
            [ff.Select(r => r.Date).ToArray(), ff.Select(r => r.MktRf).ToArray(), ff.Select(r => r.Smb3).ToArray(), ff.Select(r => r.Hml).ToArray(),
             ff.Select(r => r.Rf).ToArray(), ff.Select(r => r.Umd).ToArray()], ct).ConfigureAwait(false);
        await WriteAsync("famafrench/factors5_daily", null,
            [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.OfNullable<double>("mktrf"), ParquetColumnSpec.OfNullable<double>("smb"),
             ParquetColumnSpec.OfNullable<double>("hml"), ParquetColumnSpec.OfNullable<double>("rmw"), ParquetColumnSpec.OfNullable<double>("cma"),
             ParquetColumnSpec.Of<double>("rf")],
            [ff.Select(r => r.Date).ToArray(), ff.Select(r => r.MktRf).ToArray(), ff.Select(r => r.Smb5).ToArray(), ff.Select(r => r.Hml).ToArray(),
             ff.Select(r => r.Rmw).ToArray(), ff.Select(r => r.Cma).ToArray(), ff.Select(r => r.Rf).ToArray()], ct).ConfigureAwait(false);
    }

    public async Task WriteModelCardAsync(SyntheticMarketOptions options, int securities, int sessions)
    {
        var vols = new List<double> { SyntheticFactorModel.MarketVol };
        vols.AddRange(SyntheticFactorModel.IndustryVols);
        vols.AddRange(SyntheticFactorModel.StyleVols);
        var card = new SyntheticModelCard
        {
            ModelVersion = SyntheticMarketGenerator.ModelVersion,
            Options = options,
            Securities = securities,
            Sessions = sessions,
            Factors = SyntheticFactorModel.FactorNames,
            Industries = SyntheticFactorModel.Industries,
            IndustryConstraintWeights = SyntheticFactorModel.IndustryWeights,
            FactorDailyVolatility = vols,
            AlphaIc = options.AlphaIc,
            AlphaIcDefinition = "mean over days t of corr_i(score_i,t ; e_i,t+1 / specific_vol_i), where e is the return minus the factor part at true exposures",
            Notes = "Exposures in truth/exposures apply from their date until the next row for the permno. Returns are arithmetic; ret includes dividends, retx does not.",
        };
        var file = Path.Combine(root, "truth", "model.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temp = file + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(card, SyntheticModelCard.JsonOptions) + "\n").ConfigureAwait(false);
        File.Move(temp, file, overwrite: true);
        Files.Add(new GeneratedFile("truth/model", "truth/model.json", 0));
    }

    private async Task WriteQuarterlyAsync(string partition, IReadOnlyList<SecurityState> states, DateOnly[] sessions, CancellationToken ct)
    {
        var rows = states.Where(s => s.Plan.Gvkey is not null).SelectMany(s => s.Quarterly.Select(q => (s.Plan, q))).ToArray();
        await WriteAsync("compustat/quarterly", partition,
            [ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<DateOnly>("datadate"), ParquetColumnSpec.Of<int>("fyearq"),
             ParquetColumnSpec.Of<int>("fqtr"), ParquetColumnSpec.Of<int>("fyr"), ParquetColumnSpec.Of<DateOnly>("rdq"),
             ParquetColumnSpec.Of<string>("tic"), ParquetColumnSpec.Of<string>("conm"), ParquetColumnSpec.Of<string>("indfmt"),
             ParquetColumnSpec.Of<string>("datafmt"), ParquetColumnSpec.Of<string>("popsrc"), ParquetColumnSpec.Of<string>("consol"),
             ParquetColumnSpec.Of<double>("atq"), ParquetColumnSpec.Of<double>("ltq"), ParquetColumnSpec.Of<double>("ceqq"),
             ParquetColumnSpec.Of<double>("saleq"), ParquetColumnSpec.Of<double>("cogsq"), ParquetColumnSpec.Of<double>("xsgaq"),
             ParquetColumnSpec.Of<double>("niq"), ParquetColumnSpec.Of<double>("cshoq"), ParquetColumnSpec.Of<double>("epspxq")],
            [rows.Select(r => r.Plan.Gvkey!).ToArray(), rows.Select(r => r.q.DataDate).ToArray(), rows.Select(r => r.q.FiscalYear).ToArray(),
             rows.Select(r => r.q.FiscalQuarter).ToArray(), rows.Select(r => r.Plan.FiscalYearEndMonth).ToArray(),
             rows.Select(r => sessions[r.q.ReportSession]).ToArray(), rows.Select(r => r.q.Ticker).ToArray(), rows.Select(r => r.q.Name).ToArray(),
             rows.Select(_ => "INDL").ToArray(), rows.Select(_ => "STD").ToArray(), rows.Select(_ => "D").ToArray(), rows.Select(_ => "C").ToArray(),
             rows.Select(r => r.q.Assets).ToArray(), rows.Select(r => r.q.Liabilities).ToArray(), rows.Select(r => r.q.CommonEquity).ToArray(),
             rows.Select(r => r.q.Sales).ToArray(), rows.Select(r => r.q.CostOfGoods).ToArray(), rows.Select(r => r.q.Sga).ToArray(),
             rows.Select(r => r.q.NetIncome).ToArray(), rows.Select(r => r.q.Shares).ToArray(), rows.Select(r => r.q.Eps).ToArray()], ct).ConfigureAwait(false);

        // Earnings truth covers every security, linked to Compustat or not.
        var events = states.SelectMany(s => s.Quarterly.Select(q => (s.Plan, q))).ToArray();
        await WriteAsync("truth/earnings", partition,
            [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("datadate"), ParquetColumnSpec.Of<DateOnly>("rdq"),
             ParquetColumnSpec.Of<double>("sue"), ParquetColumnSpec.Of<double>("expected_eps"), ParquetColumnSpec.Of<double>("eps_sigma")],
            [events.Select(r => r.Plan.Permno).ToArray(), events.Select(r => r.q.DataDate).ToArray(), events.Select(r => sessions[r.q.ReportSession]).ToArray(),
             events.Select(r => r.Plan.EarningsSurprises[r.q.ReportSession]).ToArray(), events.Select(r => r.q.ExpectedEps).ToArray(),
             events.Select(r => r.q.EpsSurprise).ToArray()], ct).ConfigureAwait(false);
    }

    private async Task WriteAnnualAsync(string partition, IReadOnlyList<SecurityState> states, CancellationToken ct)
    {
        var rows = states.Where(s => s.Plan.Gvkey is not null).SelectMany(s => s.Annual.Select(a => (s.Plan, a))).ToArray();
        await WriteAsync("compustat/annual", partition,
            [ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<DateOnly>("datadate"), ParquetColumnSpec.Of<int>("fyear"),
             ParquetColumnSpec.Of<int>("fyr"), ParquetColumnSpec.Of<string>("tic"), ParquetColumnSpec.Of<string>("conm"),
             ParquetColumnSpec.Of<string>("indfmt"), ParquetColumnSpec.Of<string>("datafmt"), ParquetColumnSpec.Of<string>("popsrc"),
             ParquetColumnSpec.Of<string>("consol"), ParquetColumnSpec.Of<double>("at"), ParquetColumnSpec.Of<double>("lt"),
             ParquetColumnSpec.Of<double>("ceq"), ParquetColumnSpec.Of<double>("sale"), ParquetColumnSpec.Of<double>("cogs"),
             ParquetColumnSpec.Of<double>("xsga"), ParquetColumnSpec.Of<double>("ni"), ParquetColumnSpec.Of<double>("csho"),
             ParquetColumnSpec.Of<double>("prcc_f"), ParquetColumnSpec.Of<double>("txditc")],
            [rows.Select(r => r.Plan.Gvkey!).ToArray(), rows.Select(r => r.a.DataDate).ToArray(), rows.Select(r => r.a.FiscalYear).ToArray(),
             rows.Select(r => r.Plan.FiscalYearEndMonth).ToArray(), rows.Select(r => r.a.Ticker).ToArray(), rows.Select(r => r.a.Name).ToArray(),
             rows.Select(r => r.a.IndustryFormat).ToArray(), rows.Select(_ => "STD").ToArray(), rows.Select(_ => "D").ToArray(),
             rows.Select(_ => "C").ToArray(), rows.Select(r => r.a.Assets).ToArray(), rows.Select(r => r.a.Liabilities).ToArray(),
             rows.Select(r => r.a.CommonEquity).ToArray(), rows.Select(r => r.a.Sales).ToArray(), rows.Select(r => r.a.CostOfGoods).ToArray(),
             rows.Select(r => r.a.Sga).ToArray(), rows.Select(r => r.a.NetIncome).ToArray(), rows.Select(r => r.a.Shares).ToArray(),
             rows.Select(r => r.a.PriceClose).ToArray(), rows.Select(r => r.a.DeferredTaxes).ToArray()], ct).ConfigureAwait(false);
    }

    private async Task WriteAsync(string dataset, string? partition, IReadOnlyList<ParquetColumnSpec> specs, List<Array> columns, CancellationToken ct, int rowGroup = 500_000)
    {
        var relative = partition is null ? $"{dataset}/part-0.parquet" : $"{dataset}/{partition}/part-0.parquet";
        var file = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        await ParquetTableWriter.WriteFileAsync(file, specs, columns, rowGroup, ct).ConfigureAwait(false);
        Files.Add(new GeneratedFile(dataset, relative, columns[0].Length));
    }
}
