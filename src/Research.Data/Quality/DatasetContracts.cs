namespace Research.Data.Quality;

/// <summary>The contracts of the datasets the platform syncs (WRDS-shaped).</summary>
public static class DatasetContracts
{
    public static IReadOnlyDictionary<string, DatasetContract> All { get; } = new Dictionary<string, DatasetContract>(StringComparer.Ordinal)
    {
        ["crsp/daily"] = new("crsp/daily",
            [
                new("permno", "INTEGER"), new("permco", "INTEGER"), new("date", "DATE"), new("hexcd", "INTEGER", Min: 1, Max: 33),
                new("prc", "DOUBLE", MaxNullRate: 0.01, Min: 0.0001, Max: 1_000_000, Absolute: true),
                new("openprc", "DOUBLE", MaxNullRate: 0.2, Min: 0.0001, Max: 1_000_000),
                new("ret", "DOUBLE", MaxNullRate: 0.02, Min: -1, Max: 20), new("retx", "DOUBLE", MaxNullRate: 0.02, Min: -1, Max: 20),
                new("vol", "DOUBLE", MaxNullRate: 0.05, Min: 0), new("shrout", "DOUBLE", MaxNullRate: 0.01, Min: 0),
                new("cfacpr", "DOUBLE", MaxNullRate: 0.01, Min: 0), new("cfacshr", "DOUBLE", MaxNullRate: 0.01, Min: 0),
            ],
            ["permno", "date"], SessionDateColumn: "date"),
        ["crsp/names"] = new("crsp/names",
            [new("permno", "INTEGER"), new("namedt", "DATE"), new("nameendt", "DATE"), new("ticker", "VARCHAR", MaxNullRate: 0.05), new("shrcd", "INTEGER", Min: 10, Max: 99), new("exchcd", "INTEGER", Min: -2, Max: 33)],
            ["permno", "namedt"]),
        ["crsp/delisting"] = new("crsp/delisting",
            [new("permno", "INTEGER"), new("dlstdt", "DATE"), new("dlstcd", "INTEGER", Min: 100, Max: 999), new("dlret", "DOUBLE", MaxNullRate: 0.6, Min: -1, Max: 10)],
            ["permno"]),
        ["compustat/annual"] = new("compustat/annual",
            [new("gvkey", "VARCHAR"), new("datadate", "DATE"), new("fyear", "INTEGER", Min: 1950, Max: 2100), new("indfmt", "VARCHAR"), new("datafmt", "VARCHAR"), new("popsrc", "VARCHAR"), new("consol", "VARCHAR"), new("at", "DOUBLE", MaxNullRate: 0.5, Min: 0), new("ceq", "DOUBLE", MaxNullRate: 0.5)],
            ["gvkey", "datadate", "indfmt", "datafmt", "popsrc", "consol"]),
        ["compustat/quarterly"] = new("compustat/quarterly",
            [new("gvkey", "VARCHAR"), new("datadate", "DATE"), new("rdq", "DATE", MaxNullRate: 0.5), new("fqtr", "INTEGER", Min: 1, Max: 4), new("atq", "DOUBLE", MaxNullRate: 0.5, Min: 0)],
            ["gvkey", "datadate", "indfmt", "datafmt", "popsrc", "consol"]),
        ["ccm/links"] = new("ccm/links",
            [new("gvkey", "VARCHAR"), new("lpermno", "INTEGER"), new("linktype", "VARCHAR"), new("linkprim", "VARCHAR"), new("linkdt", "DATE"), new("linkenddt", "DATE", MaxNullRate: 1)],
            ["gvkey", "lpermno", "linkdt"]),
        ["famafrench/factors_daily"] = Factors("famafrench/factors_daily", ["mktrf", "smb", "hml", "umd"], daily: true),
        ["famafrench/factors5_daily"] = Factors("famafrench/factors5_daily", ["mktrf", "smb", "hml", "rmw", "cma"], daily: true),
        ["famafrench/factors_monthly"] = Factors("famafrench/factors_monthly", ["mktrf", "smb", "hml", "umd"], daily: false),
        ["famafrench/factors5_monthly"] = Factors("famafrench/factors5_monthly", ["mktrf", "smb", "hml", "rmw", "cma"], daily: false),
        ["famafrench/industry10_daily"] = Industry("famafrench/industry10_daily", daily: true),
        ["famafrench/industry10_monthly"] = Industry("famafrench/industry10_monthly", daily: false),
        ["famafrench/industry30_daily"] = Industry("famafrench/industry30_daily", daily: true),
        ["famafrench/industry30_monthly"] = Industry("famafrench/industry30_monthly", daily: false),
        ["famafrench/industry49_daily"] = Industry("famafrench/industry49_daily", daily: true),
        ["famafrench/industry49_monthly"] = Industry("famafrench/industry49_monthly", daily: false),
        // TAQ tier 3 (ticks of sample days) and tier 1 (aggregates): types and keys only. No distribution checks and no
        // row-drop limit against the parent: the days held change by design (retention drops old sample days).
        ["taq/trades"] = new("taq/trades",
            [new("date", "DATE"), new("time_m_us", "BIGINT"), new("sym_root", "VARCHAR"), new("price", "DOUBLE"), new("size", "INTEGER")],
            [], MaxRowDropVersusParent: 1),
        ["taq/quotes"] = new("taq/quotes",
            [new("date", "DATE"), new("time_m_us", "BIGINT"), new("sym_root", "VARCHAR"), new("bid", "DOUBLE"), new("bidsiz", "INTEGER"), new("ask", "DOUBLE"), new("asksiz", "INTEGER")],
            [], MaxRowDropVersusParent: 1),
        ["taq/bars_1m"] = new("taq/bars_1m",
            [new("date", "DATE"), new("sym_root", "VARCHAR"), new("minute", "INTEGER", Min: 0, Max: 1439), new("open", "DOUBLE"), new("high", "DOUBLE"),
             new("low", "DOUBLE"), new("close", "DOUBLE"), new("volume", "BIGINT"), new("vwap", "DOUBLE"), new("trades", "INTEGER")],
            ["date", "sym_root", "minute"], MaxRowDropVersusParent: 1),
        ["taq/daily_rv"] = new("taq/daily_rv",
            [new("date", "DATE"), new("sym_root", "VARCHAR"), new("rv_5m", "DOUBLE", MaxNullRate: 1), new("rv_5m_sub", "DOUBLE", MaxNullRate: 1),
             new("bipower", "DOUBLE", MaxNullRate: 1), new("jump", "DOUBLE", MaxNullRate: 1), new("jump_share", "DOUBLE", MaxNullRate: 1), new("returns", "INTEGER")],
            ["date", "sym_root"], MaxRowDropVersusParent: 1, MaxNullRateIncreaseVersusParent: 1),
        ["taq/daily_spread"] = new("taq/daily_spread",
            [new("date", "DATE"), new("sym_root", "VARCHAR"), new("quoted_spread", "DOUBLE", MaxNullRate: 1), new("relative_quoted_spread", "DOUBLE", MaxNullRate: 1),
             new("bid_depth", "DOUBLE", MaxNullRate: 1), new("ask_depth", "DOUBLE", MaxNullRate: 1), new("relative_effective_spread", "DOUBLE", MaxNullRate: 1),
             new("relative_realized_spread", "DOUBLE", MaxNullRate: 1), new("relative_price_impact", "DOUBLE", MaxNullRate: 1), new("trades", "INTEGER"),
             new("quoted_seconds", "DOUBLE")],
            ["date", "sym_root"], MaxRowDropVersusParent: 1, MaxNullRateIncreaseVersusParent: 1),
        ["prices/daily"] = Prices("prices/daily"),
        ["yahoo/daily"] = Prices("yahoo/daily"),
    };

    /// <summary>
    /// Daily prices assembled by the ETL (one row per symbol and NYSE session): close present and positive on at least
    /// 95% of rows, returns within -100% and +2,000% (missing on each symbol's first row, so at most half may be
    /// missing: a load needs two sessions per symbol); high and low may be missing throughout (CRSP's daily file has none),
    /// dividends and splits are missing on most days.
    /// </summary>
    private static DatasetContract Prices(string dataset) => new(dataset,
        [
            new("symbol", "VARCHAR"), new("date", "DATE"), new("source", "VARCHAR"), new("currency", "VARCHAR"),
            new("open", "DOUBLE", MaxNullRate: 1, Min: 0), new("high", "DOUBLE", MaxNullRate: 1, Min: 0), new("low", "DOUBLE", MaxNullRate: 1, Min: 0),
            new("close", "DOUBLE", MaxNullRate: 0.05, Min: 0.0001, Max: 10_000_000), new("volume", "DOUBLE", MaxNullRate: 1, Min: 0),
            new("ret", "DOUBLE", MaxNullRate: 0.5, Min: -1, Max: 20), new("retx", "DOUBLE", MaxNullRate: 0.5, Min: -1, Max: 20),
            new("dividend", "DOUBLE", MaxNullRate: 1, Min: 0), new("split_ratio", "DOUBLE", MaxNullRate: 1, Min: 0),
        ],
        ["symbol", "date"], SessionDateColumn: "date");

    /// <summary>Industry portfolio returns in decimals; some industries are empty in early years (NULL), so up to 10% NULL.</summary>
    private static DatasetContract Industry(string dataset, bool daily) => new(dataset,
        [
            new("date", "DATE"), new("portfolio", "VARCHAR"),
            new("vw_ret", "DOUBLE", MaxNullRate: 0.1, Min: -1, Max: daily ? 1 : 5),
            new("ew_ret", "DOUBLE", MaxNullRate: 0.1, Min: -1, Max: daily ? 1 : 5),
        ],
        ["date", "portfolio"], SessionDateColumn: daily ? "date" : null);

    /// <summary>Factor returns in decimals: daily within +-50%, monthly within +-100%; the risk-free rate small and never NULL.
    /// Momentum starts later than the others (it needs a year of history), so it may be NULL on early dates.</summary>
    private static DatasetContract Factors(string dataset, string[] factors, bool daily) => new(dataset,
        [
            new("date", "DATE"),
            .. factors.Select(f => new ColumnRule(f, "DOUBLE", MaxNullRate: f == "umd" ? 0.05 : 0.01, Min: daily ? -0.5 : -1, Max: daily ? 0.5 : 1)),
            new("rf", "DOUBLE", Min: -0.01, Max: daily ? 0.01 : 0.05),
        ],
        ["date"], SessionDateColumn: daily ? "date" : null);

    /// <summary>The contract of a dataset, or a minimal one (readable files only) when none is declared.</summary>
    public static DatasetContract For(string dataset) =>
        All.TryGetValue(dataset, out var contract) ? contract : new DatasetContract(dataset, [], []);
}
