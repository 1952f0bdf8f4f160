using Research.Data.Providers.Compustat;
using Research.Data.Warehouse;
using Research.Core.Panels;

namespace Research.Analytics.Factors;

/// <summary>
/// Loads an <see cref="EquityPanel"/> from a pinned warehouse session:
/// 1. Sessions and securities from <c>crsp.daily</c> between the dates; returns, market cap (|prc| x shrout),
///    dollar volume (|prc| x vol) and share turnover (vol / (shrout x 1000)) into dense arrays.
/// 2. Name history from <c>crsp.names</c>: eligibility (share code 10/11, exchange 1-3) and the Fama-French
///    10 industry of the SIC code, by date.
/// 3. When <c>compustat.quarterly</c> and <c>ccm.links</c> are present: quarterly book equity and net income
///    (and sales and cost of goods sold) per PERMNO through primary LU/LC links valid at the period end, known from the report date (or the
///    period end + 90 days), standard Compustat filters.
/// Delisting returns are not merged: the panel feeds cross-sectional regressions and trailing statistics,
/// where the last trading day is the last observation.
/// </summary>
public static class EquityPanelLoader
{
    public static EquityPanel Load(WarehouseQuerySession session, DateOnly from, DateOnly to, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (var required in new[] { "crsp/daily", "crsp/names" })
        {
            if (!session.Pinned.ContainsKey(required))
            {
                throw new InvalidOperationException($"The warehouse has no dataset '{required}'; sync CRSP first (research sync --source synthetic|wrds).");
            }
        }

        var range = $"date BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)}";
        var dates = ReadColumn(session, $"SELECT DISTINCT date FROM crsp.daily WHERE {range} ORDER BY 1", r => r.GetFieldValue<DateOnly>(0));
        if (dates.Count < 2)
        {
            throw new InvalidOperationException($"crsp.daily has {dates.Count} sessions between {from:yyyy-MM-dd} and {to:yyyy-MM-dd}; a panel needs at least two.");
        }

        var ids = ReadColumn(session, $"SELECT DISTINCT permno FROM crsp.daily WHERE {range} ORDER BY 1", r => r.GetInt32(0));
        var dateIndex = new Dictionary<DateOnly, int>(dates.Count);
        for (var t = 0; t < dates.Count; t++)
        {
            dateIndex[dates[t]] = t;
        }

        var assetIndex = new Dictionary<int, int>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            assetIndex[ids[i]] = i;
        }

        var n = ids.Count;
        var axes = new PanelAxes([.. dates], [.. ids]);
        var returns = axes.Missing();
        var cap = axes.Missing();
        var dollarVolume = axes.Missing();
        var turnover = axes.Missing();
        progress?.Report($"loading crsp.daily: {dates.Count} sessions x {n} securities");
        using (var command = session.CreateTrustedCommand($"""
            SELECT date, permno, ret, abs(prc) * shrout, abs(prc) * vol, vol / nullif(shrout * 1000.0, 0)
            FROM crsp.daily WHERE {range}
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var cell = (dateIndex[reader.GetFieldValue<DateOnly>(0)] * n) + assetIndex[reader.GetInt32(1)];
                returns[cell] = reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2);
                cap[cell] = reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3);
                dollarVolume[cell] = reader.IsDBNull(4) ? double.NaN : reader.GetDouble(4);
                turnover[cell] = reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5);
            }
        }

        var labels = new string[n];
        var names = new List<NameSpan>[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            names[i] = [];
        }

        using (var command = session.CreateTrustedCommand("SELECT permno, namedt, nameendt, shrcd, exchcd, siccd, ticker FROM crsp.names ORDER BY permno, namedt"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!assetIndex.TryGetValue(reader.GetInt32(0), out var i))
                {
                    continue;
                }

                var shrcd = reader.IsDBNull(3) ? 0 : reader.GetInt32(3);
                var exchcd = reader.IsDBNull(4) ? 0 : reader.GetInt32(4);
                var sic = reader.IsDBNull(5) ? 0 : reader.GetInt32(5);
                names[i].Add(new NameSpan(reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2),
                    shrcd is 10 or 11 && exchcd is 1 or 2 or 3, Ff10Industries.Classify(sic)));
                if (!reader.IsDBNull(6))
                {
                    labels[i] = reader.GetString(6);
                }
            }
        }

        var hasFundamentals = session.Pinned.ContainsKey("compustat/quarterly") && session.Pinned.ContainsKey("ccm/links");
        var panel = new EquityPanel(axes.Dates, axes.Ids, labels, returns, cap, dollarVolume, turnover)
        {
            HasFundamentals = hasFundamentals,
            Provenance = string.Join(", ", session.Pinned.Where(p => p.Key is "crsp/daily" or "crsp/names" or "compustat/quarterly" or "ccm/links")
                .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value.VersionId}")),
        };
        for (var i = 0; i < n; i++)
        {
            panel.Names[i] = [.. names[i]];
        }

        if (hasFundamentals)
        {
            progress?.Report("loading compustat.quarterly through ccm.links");
            LoadFundamentals(session, panel, assetIndex, to);
        }

        return panel;
    }

    private static void LoadFundamentals(WarehouseQuerySession session, EquityPanel panel, Dictionary<int, int> assetIndex, DateOnly to)
    {
        var byAsset = new List<QuarterlyFundamentals>[panel.Assets];
        using (var command = session.CreateTrustedCommand($"""
            SELECT l.lpermno, coalesce(q.rdq, q.datadate + INTERVAL 90 DAY)::DATE AS known, q.datadate, q.ceqq, q.niq, q.saleq, q.cogsq
            FROM compustat.quarterly q
            JOIN ccm.links l ON l.gvkey = q.gvkey AND l.linktype IN ('LU', 'LC') AND l.linkprim IN ('P', 'C')
             AND q.datadate BETWEEN l.linkdt AND coalesce(l.linkenddt, DATE '9999-12-31')
            WHERE {CompustatProvider.StandardFilter}
              AND q.ceqq IS NOT NULL AND q.niq IS NOT NULL
              AND coalesce(q.rdq, q.datadate + INTERVAL 90 DAY) <= {DuckDbSql.Date(to)}
            ORDER BY 1, 2, 3
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!assetIndex.TryGetValue(reader.GetInt32(0), out var i))
                {
                    continue;
                }

                (byAsset[i] ??= []).Add(new QuarterlyFundamentals(reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2),
                    reader.GetDouble(3), reader.GetDouble(4), reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5), reader.IsDBNull(6) ? double.NaN : reader.GetDouble(6)));
            }
        }

        for (var i = 0; i < panel.Assets; i++)
        {
            panel.Fundamentals[i] = byAsset[i] is { } list ? [.. list] : [];
        }
    }

    private static List<T> ReadColumn<T>(WarehouseQuerySession session, string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var command = session.CreateTrustedCommand(sql);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }

        return list;
    }
}
