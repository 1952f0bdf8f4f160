using System.Globalization;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Compustat;

/// <summary>
/// Point-in-time Compustat over a pinned session (<c>compustat.annual</c>, <c>compustat.quarterly</c>, <c>ccm.links</c>):
/// <list type="bullet">
/// <item>Standard filters: indfmt = 'INDL', datafmt = 'STD', popsrc = 'D', consol = 'C' (drops financial-services
/// format duplicates and restated or non-consolidated rows).</item>
/// <item>Quarterly data is known from its report date (<c>rdq</c>); a row without <c>rdq</c> is assumed known
/// <see cref="QuarterlyFallbackLagDays"/> days after the period end.</item>
/// <item>Annual data is known <see cref="AnnualLagDays"/> days after the fiscal year end (default 180: the
/// "at least six months" of Fama and French 1993).</item>
/// <item>Duplicates after a fiscal-year-end change (two rows with the same gvkey and fiscal year): the row with
/// the later <c>datadate</c> wins.</item>
/// <item>GVKEY to PERMNO through CCM links of type LU or LC, primary (P or C), valid on the date
/// (<c>linkdt</c> &lt;= D &lt;= <c>linkenddt</c>, an open end meaning still valid); PERMNO to GVKEY the same way back.</item>
/// <item>GVKEY to ticker: <c>tic</c> of the latest row known on the date; ticker to GVKEY: the companies whose
/// latest known row carries it. On real Compustat <c>tic</c> is the company's current ticker repeated on every
/// row (not the ticker of the time), so for history prefer CRSP names and the CCM link (ticker to PERMNO on the
/// date, then PERMNO to GVKEY).</item>
/// </list>
/// </summary>
public sealed class CompustatProvider(WarehouseQuerySession session)
{
    /// <summary>Compustat's standard row filter (industrial format, standardised, domestic, consolidated).</summary>
    public const string StandardFilter = "indfmt = 'INDL' AND datafmt = 'STD' AND popsrc = 'D' AND consol = 'C'";

    public int AnnualLagDays { get; init; } = 180;

    public int QuarterlyFallbackLagDays { get; init; } = 90;

    /// <summary>The latest quarterly row of a company known on <paramref name="asOf"/>, as column -> value, or null.</summary>
    public IReadOnlyDictionary<string, object?>? LatestQuarter(string gvkey, DateOnly asOf) => Single($"""
        SELECT * FROM compustat.quarterly
        WHERE gvkey = {DuckDbSql.Literal(gvkey)} AND {StandardFilter}
          AND coalesce(rdq, datadate + INTERVAL {QuarterlyFallbackLagDays} DAY) <= {Date(asOf)}
        ORDER BY datadate DESC LIMIT 1
        """);

    /// <summary>The latest annual row of a company known on <paramref name="asOf"/>, as column -> value, or null.</summary>
    public IReadOnlyDictionary<string, object?>? LatestAnnual(string gvkey, DateOnly asOf) => Single($"""
        SELECT * FROM compustat.annual
        WHERE gvkey = {DuckDbSql.Literal(gvkey)} AND {StandardFilter}
          AND datadate + INTERVAL {AnnualLagDays} DAY <= {Date(asOf)}
        QUALIFY row_number() OVER (PARTITION BY fyear ORDER BY datadate DESC) = 1
        ORDER BY datadate DESC LIMIT 1
        """);

    /// <summary>The PERMNO linked to a GVKEY on a date, or null.</summary>
    public int? Permno(string gvkey, DateOnly date)
    {
        var row = Single($"""
            SELECT lpermno FROM ccm.links
            WHERE gvkey = {DuckDbSql.Literal(gvkey)} AND linktype IN ('LU', 'LC') AND linkprim IN ('P', 'C')
              AND linkdt <= {Date(date)} AND coalesce(linkenddt, DATE '9999-12-31') >= {Date(date)}
            ORDER BY linkprim DESC LIMIT 1
            """);
        return row is null ? null : Convert.ToInt32(row["lpermno"], CultureInfo.InvariantCulture);
    }

    /// <summary>The GVKEY linked to a PERMNO on a date (the inverse of <see cref="Permno"/>), or null.</summary>
    public string? Gvkey(int permno, DateOnly date)
    {
        var row = Single($"""
            SELECT gvkey FROM ccm.links
            WHERE lpermno = {permno} AND linktype IN ('LU', 'LC') AND linkprim IN ('P', 'C')
              AND linkdt <= {Date(date)} AND coalesce(linkenddt, DATE '9999-12-31') >= {Date(date)}
            ORDER BY linkprim DESC, gvkey LIMIT 1
            """);
        return row?["gvkey"] as string;
    }

    /// <summary>The ticker (<c>tic</c>) on the latest quarterly or annual row of a company known on the date, or null.</summary>
    public string? Ticker(string gvkey, DateOnly asOf)
    {
        var row = Single($"""
            SELECT tic FROM (
                SELECT datadate, tic FROM compustat.quarterly
                WHERE gvkey = {DuckDbSql.Literal(gvkey)} AND {StandardFilter} AND coalesce(rdq, datadate + INTERVAL {QuarterlyFallbackLagDays} DAY) <= {Date(asOf)}
                UNION ALL
                SELECT datadate, tic FROM compustat.annual
                WHERE gvkey = {DuckDbSql.Literal(gvkey)} AND {StandardFilter} AND datadate + INTERVAL {AnnualLagDays} DAY <= {Date(asOf)})
            ORDER BY datadate DESC LIMIT 1
            """);
        return row?["tic"] as string;
    }

    /// <summary>GVKEYs whose latest row known on the date carries <paramref name="ticker"/> (usually one).</summary>
    public IReadOnlyList<string> Gvkeys(string ticker, DateOnly asOf)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticker);
        using var command = session.CreateTrustedCommand($"""
            SELECT gvkey FROM (
                SELECT gvkey, datadate, tic FROM compustat.quarterly
                WHERE {StandardFilter} AND coalesce(rdq, datadate + INTERVAL {QuarterlyFallbackLagDays} DAY) <= {Date(asOf)}
                UNION ALL
                SELECT gvkey, datadate, tic FROM compustat.annual
                WHERE {StandardFilter} AND datadate + INTERVAL {AnnualLagDays} DAY <= {Date(asOf)})
            QUALIFY row_number() OVER (PARTITION BY gvkey ORDER BY datadate DESC) = 1 AND tic = {DuckDbSql.Literal(ticker.Trim().ToUpperInvariant())}
            ORDER BY gvkey
            """);
        using var reader = command.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private Dictionary<string, object?>? Single(string sql)
    {
        using var command = session.CreateTrustedCommand(sql);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return row;
    }

    private static string Date(DateOnly d) => DuckDbSql.Date(d);
}
