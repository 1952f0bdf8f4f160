using System.Globalization;
using Research.Analytics.Factors;
using Research.Backtesting.Engine;
using Research.Data.Providers.Crsp;
using Research.Data.Warehouse;

namespace Research.Backtesting.Data;

/// <summary>
/// Builds <see cref="BacktestData"/> from a pinned warehouse session: the CRSP panel (<see cref="EquityPanelLoader"/>),
/// open-to-close returns |prc| / |openprc| − 1 where an open price exists, delisting returns from <c>crsp.delisting</c>
/// (a missing performance-delisting return is −30%, Shumway 1997, as in <see cref="CrspProvider"/>) placed on the
/// delisting date, and the daily risk-free rate from <c>famafrench.factors_daily</c> (0, and flagged as unknown, on a
/// session the file does not cover or when that dataset is absent).
/// </summary>
public static class BacktestDataLoader
{
    public static BacktestData Load(WarehouseQuerySession session, DateOnly from, DateOnly to, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var panel = EquityPanelLoader.Load(session, from, to, progress);
        var n = panel.Assets;
        var index = new Dictionary<int, int>(n);
        for (var i = 0; i < n; i++)
        {
            index[panel.Ids[i]] = i;
        }

        var dates = new Dictionary<DateOnly, int>(panel.Sessions);
        for (var t = 0; t < panel.Sessions; t++)
        {
            dates[panel.Dates[t]] = t;
        }

        var range = $"BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)}";
        var intraday = panel.Axes.Missing();
        var (close, open) = (panel.Axes.Missing(), panel.Axes.Missing());
        using (var command = session.CreateTrustedCommand($"""
            SELECT date, permno, CASE WHEN openprc IS NOT NULL AND openprc <> 0 AND prc > 0 THEN abs(prc) / abs(openprc) - 1 END, abs(prc), abs(openprc)
            FROM crsp.daily WHERE date {range} AND prc IS NOT NULL AND prc <> 0
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var cell = (dates[reader.GetFieldValue<DateOnly>(0)] * n) + index[reader.GetInt32(1)];
                intraday[cell] = reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2);
                close[cell] = reader.GetDouble(3);
                open[cell] = reader.IsDBNull(4) || reader.GetDouble(4) == 0 ? double.NaN : reader.GetDouble(4);
            }
        }

        var delisting = panel.Axes.Missing();
        if (session.Pinned.ContainsKey("crsp/delisting"))
        {
            var imputed = CrspProvider.ImputedPerformanceDelistingReturn.ToString("R", CultureInfo.InvariantCulture);
            using var command = session.CreateTrustedCommand($"""
                SELECT permno, dlstdt, coalesce(dlret, CASE WHEN dlstcd = 500 OR dlstcd BETWEEN 520 AND 584 THEN {imputed} END)
                FROM crsp.delisting WHERE dlstdt {range}
                """);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (reader.IsDBNull(2) || !index.TryGetValue(reader.GetInt32(0), out var i))
                {
                    continue;
                }

                var t = panel.SessionOnOrBefore(reader.GetFieldValue<DateOnly>(1));
                if (t >= 0)
                {
                    delisting[(t * n) + i] = reader.GetDouble(2);
                }
            }
        }

        var riskFree = new double[panel.Sessions];
        var known = new bool[panel.Sessions];
        if (session.Pinned.ContainsKey("famafrench/factors_daily"))
        {
            using var command = session.CreateTrustedCommand($"SELECT date, rf FROM famafrench.factors_daily WHERE date {range} AND rf IS NOT NULL");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (dates.TryGetValue(reader.GetFieldValue<DateOnly>(0), out var t))
                {
                    riskFree[t] = reader.GetDouble(1);
                    known[t] = true;
                }
            }
        }

        return new BacktestData(panel, intraday, delisting, riskFree, known) { Prices = (close, open) };
    }
}
