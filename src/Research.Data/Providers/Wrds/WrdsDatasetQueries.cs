using System.Globalization;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// How each warehouse dataset is read from WRDS: the table(s), the SELECT (columns renamed and cast to the warehouse
/// schema), the date column that splits it into yearly chunks (or none: one chunk), and the sort order.
/// </summary>
/// <param name="Dataset">Warehouse dataset, e.g. <c>crsp/daily</c>.</param>
/// <param name="Tables">WRDS tables read (checked for existence and permission before a pull).</param>
/// <param name="Columns">Warehouse columns, in SELECT order.</param>
/// <param name="Select">SELECT list and FROM clause, without WHERE or ORDER BY; may reference <c>{where}</c> placement through <see cref="DateColumn"/>.</param>
/// <param name="DateColumn">Column (as written in the FROM clause) to chunk by year; null for one chunk.</param>
/// <param name="OrderBy">ORDER BY expression.</param>
/// <param name="Filter">Extra WHERE condition, or null.</param>
public sealed record WrdsDatasetQuery(string Dataset, IReadOnlyList<string> Tables, IReadOnlyList<ParquetColumnSpec> Columns, string Select, string? DateColumn, string OrderBy, string? Filter = null)
{
    /// <summary>The warehouse column that <see cref="DateColumn"/> becomes (the rows are ordered by it first).</summary>
    public string? YearColumn => DateColumn is null ? null : Columns.First(c => c.ClrType == typeof(DateOnly)).Name;

    /// <summary>The SELECT for the rows with <see cref="DateColumn"/> in [<paramref name="from"/>, <paramref name="to"/>) (both optional).</summary>
    public string Sql(DateOnly? from = null, DateOnly? to = null)
    {
        var conditions = new List<string>();
        if (Filter is not null)
        {
            conditions.Add(Filter);
        }

        if (from is { } f)
        {
            conditions.Add($"{DateColumn} >= DATE '{f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'");
        }

        if (to is { } t)
        {
            conditions.Add($"{DateColumn} < DATE '{t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'");
        }

        return $"{Select}{(conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))} ORDER BY {OrderBy}";
    }
}

/// <summary>The dataset queries for each CRSP format; Compustat, CCM and Fama-French are the same in both.</summary>
public static class WrdsDatasetQueries
{
    private static readonly ParquetColumnSpec[] Daily =
    [
        ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<int>("permco"), ParquetColumnSpec.Of<DateOnly>("date"),
        ParquetColumnSpec.OfNullable<int>("hexcd"), ParquetColumnSpec.OfNullable<double>("prc"), ParquetColumnSpec.OfNullable<double>("openprc"),
        ParquetColumnSpec.OfNullable<double>("ret"), ParquetColumnSpec.OfNullable<double>("retx"), ParquetColumnSpec.OfNullable<double>("vol"),
        ParquetColumnSpec.OfNullable<double>("shrout"), ParquetColumnSpec.OfNullable<double>("cfacpr"), ParquetColumnSpec.OfNullable<double>("cfacshr"),
    ];

    private static readonly ParquetColumnSpec[] Names =
    [
        ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<int>("permco"), ParquetColumnSpec.Of<DateOnly>("namedt"),
        ParquetColumnSpec.Of<DateOnly>("nameendt"), ParquetColumnSpec.OfNullable<string>("ticker"), ParquetColumnSpec.OfNullable<string>("comnam"),
        ParquetColumnSpec.OfNullable<int>("shrcd"), ParquetColumnSpec.OfNullable<int>("exchcd"), ParquetColumnSpec.OfNullable<int>("siccd"),
        ParquetColumnSpec.OfNullable<string>("ncusip"),
    ];

    private static readonly ParquetColumnSpec[] Delisting =
    [
        ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<DateOnly>("dlstdt"), ParquetColumnSpec.Of<int>("dlstcd"),
        ParquetColumnSpec.OfNullable<double>("dlret"), ParquetColumnSpec.OfNullable<DateOnly>("last_trade_date"),
    ];

    /// <summary>Datasets the WRDS source delivers.</summary>
    public static IReadOnlyList<string> Datasets { get; } =
        ["crsp/daily", "crsp/names", "crsp/delisting", "ccm/links", "compustat/annual", "compustat/quarterly", "famafrench/factors_daily"];

    public static WrdsDatasetQuery For(string dataset, CrspFormat format) => (dataset, format) switch
    {
        ("crsp/daily", CrspFormat.Siz) => new(dataset, ["crsp.dsf"], Daily,
            "SELECT permno::integer, permco::integer, date, hexcd::integer, prc, openprc, ret, retx, vol, shrout, cfacpr, cfacshr FROM crsp.dsf",
            "date", "date, permno"),
        ("crsp/daily", CrspFormat.Ciz) => new(dataset, ["crsp.dsf_v2"], Daily,
            $"SELECT permno::integer, permco::integer, dlycaldt, {CizCodes.ExchangeSql("primaryexch")}, " +
            "CASE WHEN dlyprcflg = 'BA' THEN -dlyprc ELSE dlyprc END, dlyopen, dlyret, dlyretx, dlyvol, shrout, dlycumfacpr, dlycumfacshr FROM crsp.dsf_v2",
            "dlycaldt", "dlycaldt, permno"),
        ("crsp/names", CrspFormat.Siz) => new(dataset, ["crsp.dsenames"], Names,
            "SELECT permno::integer, permco::integer, namedt, nameendt, ticker::text, comnam::text, shrcd::integer, exchcd::integer, siccd::integer, ncusip::text FROM crsp.dsenames",
            null, "permno, namedt"),
        ("crsp/names", CrspFormat.Ciz) => new(dataset, ["crsp.stksecurityinfohist"], Names,
            $"SELECT permno::integer, permco::integer, secinfostartdt, secinfoenddt, ticker::text, issuernm::text, {CizCodes.ShareCodeSql}, " +
            $"{CizCodes.ExchangeSql("primaryexch")}, siccd::integer, cusip::text FROM crsp.stksecurityinfohist",
            null, "permno, secinfostartdt"),
        ("crsp/delisting", CrspFormat.Siz) => new(dataset, ["crsp.dsedelist", "crsp.dsf"], Delisting,
            "SELECT d.permno::integer, d.dlstdt, d.dlstcd::integer, d.dlret, (SELECT max(f.date) FROM crsp.dsf f WHERE f.permno = d.permno AND f.date <= d.dlstdt) FROM crsp.dsedelist d",
            null, "d.permno", "d.dlstcd <> 100"),
        ("crsp/delisting", CrspFormat.Ciz) => new(dataset, ["crsp.stkdelists", "crsp.dsf_v2"], Delisting,
            $"SELECT d.permno::integer, d.delistingdt, {CizCodes.DelistingCodeSql("d.delactiontype", "d.delreasontype")}, d.delret, " +
            "(SELECT max(f.dlycaldt) FROM crsp.dsf_v2 f WHERE f.permno = d.permno AND f.dlycaldt <= d.delistingdt) FROM crsp.stkdelists d",
            null, "d.permno", "d.delactiontype IN ('MER', 'EXC', 'LIQ', 'DEL')"),
        ("ccm/links", _) => new(dataset, ["crsp.ccmxpf_lnkhist"],
            [ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<int>("lpermno"), ParquetColumnSpec.OfNullable<int>("lpermco"),
             ParquetColumnSpec.Of<string>("linktype"), ParquetColumnSpec.Of<string>("linkprim"), ParquetColumnSpec.Of<DateOnly>("linkdt"),
             ParquetColumnSpec.OfNullable<DateOnly>("linkenddt")],
            "SELECT gvkey::text, lpermno::integer, lpermco::integer, linktype::text, linkprim::text, linkdt, linkenddt FROM crsp.ccmxpf_lnkhist",
            null, "gvkey, linkdt, lpermno", "lpermno IS NOT NULL"),
        ("compustat/annual", _) => new(dataset, ["comp.funda"],
            [ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<DateOnly>("datadate"), ParquetColumnSpec.OfNullable<int>("fyear"),
             ParquetColumnSpec.OfNullable<int>("fyr"), ParquetColumnSpec.OfNullable<string>("tic"), ParquetColumnSpec.OfNullable<string>("conm"),
             ParquetColumnSpec.Of<string>("indfmt"), ParquetColumnSpec.Of<string>("datafmt"), ParquetColumnSpec.Of<string>("popsrc"),
             ParquetColumnSpec.Of<string>("consol"), .. Doubles("at", "lt", "ceq", "sale", "cogs", "xsga", "ni", "csho", "prcc_f", "txditc")],
            "SELECT gvkey::text, datadate, fyear::integer, fyr::integer, tic::text, conm::text, indfmt::text, datafmt::text, popsrc::text, consol::text, " +
            "\"at\", \"lt\", ceq, sale, cogs, xsga, ni, csho, prcc_f, txditc FROM comp.funda",
            "datadate", "datadate, gvkey, indfmt"),
        ("compustat/quarterly", _) => new(dataset, ["comp.fundq"],
            [ParquetColumnSpec.Of<string>("gvkey"), ParquetColumnSpec.Of<DateOnly>("datadate"), ParquetColumnSpec.OfNullable<int>("fyearq"),
             ParquetColumnSpec.OfNullable<int>("fqtr"), ParquetColumnSpec.OfNullable<int>("fyr"), ParquetColumnSpec.OfNullable<DateOnly>("rdq"),
             ParquetColumnSpec.OfNullable<string>("tic"), ParquetColumnSpec.OfNullable<string>("conm"), ParquetColumnSpec.Of<string>("indfmt"),
             ParquetColumnSpec.Of<string>("datafmt"), ParquetColumnSpec.Of<string>("popsrc"), ParquetColumnSpec.Of<string>("consol"),
             .. Doubles("atq", "ltq", "ceqq", "saleq", "cogsq", "xsgaq", "niq", "cshoq", "epspxq")],
            "SELECT gvkey::text, datadate, fyearq::integer, fqtr::integer, fyr::integer, rdq, tic::text, conm::text, indfmt::text, datafmt::text, popsrc::text, consol::text, " +
            "atq, ltq, ceqq, saleq, cogsq, xsgaq, niq, cshoq, epspxq FROM comp.fundq",
            "datadate", "datadate, gvkey, indfmt"),
        ("famafrench/factors_daily", _) => new(dataset, ["ff.factors_daily"],
            [ParquetColumnSpec.Of<DateOnly>("date"), .. Doubles("mktrf", "smb", "hml"), ParquetColumnSpec.Of<double>("rf"), ParquetColumnSpec.OfNullable<double>("umd")],
            "SELECT date, mktrf::double precision, smb::double precision, hml::double precision, rf::double precision, umd::double precision FROM ff.factors_daily",
            null, "date"),
        (_, CrspFormat.Auto) => throw new ArgumentException("Resolve CrspFormat.Auto to SIZ or CIZ first.", nameof(format)),
        _ => throw new ArgumentException($"WRDS does not deliver '{dataset}'. Known: {string.Join(", ", Datasets)}.", nameof(dataset)),
    };

    private static ParquetColumnSpec[] Doubles(params string[] names) => [.. names.Select(ParquetColumnSpec.OfNullable<double>)];
}
