using System.Globalization;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Crsp;

/// <summary>
/// Point-in-time CRSP answers over a pinned warehouse session (<c>crsp.daily</c>, <c>crsp.names</c>, <c>crsp.delisting</c>):
/// <list type="bullet">
/// <item>Universe on D: securities with a daily row on D whose name record in force on D (namedt &lt;= D &lt;= nameendt)
/// has share code 10 or 11 and exchange code 1, 2 or 3 (NYSE, AMEX, NASDAQ). No stock appears before its
/// first name date or after its last trading day.</item>
/// <item>Returns: CRSP daily returns, prices in absolute value, and the delisting return as one more row on the
/// delisting date. Delisting-return rule (Shumway 1997): a missing delisting return of a performance delisting
/// (codes 500 and 520-584) is set to -30%; for other codes a missing delisting return stays missing.</item>
/// <item>Ticker lookup: the permno whose name record carried the ticker on the date.</item>
/// </list>
/// </summary>
public sealed class CrspProvider(WarehouseQuerySession session)
{
    /// <summary>Return imputed for a missing performance-delisting return (Shumway 1997).</summary>
    public const double ImputedPerformanceDelistingReturn = -0.30;

    public IReadOnlyList<CrspSecurity> Universe(DateOnly date)
    {
        // A date outside the daily file is not an empty universe but an unknown one: said, with the file's range.
        // Read once per session: the pinned version never changes.
        var (known, first, last) = session.Remember("crsp.daily date range", () =>
        {
            using var range = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily");
            using var bounds = range.ExecuteReader();
            return bounds.Read() && !bounds.IsDBNull(0) ? (true, bounds.GetFieldValue<DateOnly>(0), bounds.GetFieldValue<DateOnly>(1)) : (false, default(DateOnly), default(DateOnly));
        });
        if (known && (date < first || date > last))
        {
            throw new ArgumentException(
                $"{date:yyyy-MM-dd} is {(date < first ? "before" : "after")} the daily data in crsp/daily@{session.Pinned["crsp/daily"].VersionId} ({first:yyyy-MM-dd} to {last:yyyy-MM-dd}): the universe there is unknown.");
        }

        using var command = session.CreateTrustedCommand(UniverseSql(date));
        using var reader = command.ExecuteReader();
        var list = new List<CrspSecurity>();
        while (reader.Read())
        {
            list.Add(new CrspSecurity(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        return list;
    }

    public IReadOnlyList<CrspReturn> Returns(int permno, DateOnly from, DateOnly to)
    {
        using var command = session.CreateTrustedCommand(ReturnsSql(permno, from, to));
        using var reader = command.ExecuteReader();
        var list = new List<CrspReturn>();
        while (reader.Read())
        {
            list.Add(new CrspReturn(
                reader.GetFieldValue<DateOnly>(0),
                reader.IsDBNull(1) ? null : reader.GetDouble(1),
                reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.GetBoolean(3),
                reader.GetBoolean(4)));
        }

        return list;
    }

    /// <summary>The permno that carried <paramref name="ticker"/> on <paramref name="date"/>, or null.</summary>
    public int? Lookup(string ticker, DateOnly date)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticker);
        using var command = session.CreateTrustedCommand($"""
            SELECT permno FROM crsp.names
            WHERE ticker = {DuckDbSql.Literal(ticker.Trim().ToUpperInvariant())} AND {Date(date)} BETWEEN namedt AND nameendt
            """);
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt32(0) : null;
    }

    /// <summary>
    /// The ticker and company name each (permno, date) carried on that date: the name record in force then, else (a
    /// trade on the day a stock left the file, after its last name record ended) the latest record that began on or
    /// before the date, never a later one. A pair with no such record is left out. Needs only <c>crsp.names</c>.
    /// </summary>
    public IReadOnlyDictionary<(int Permno, DateOnly Date), (string? Ticker, string? Name)> NamesOn(IReadOnlyCollection<(int Permno, DateOnly Date)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<(int, DateOnly), (string?, string?)>();
        if (keys.Count == 0)
        {
            return found;
        }

        var values = string.Join(", ", keys.Distinct().Select(k => $"({k.Permno.ToString(CultureInfo.InvariantCulture)}, {Date(k.Date)})"));
        using var command = session.CreateTrustedCommand($"""
            SELECT k.permno, k.date, n.ticker, n.comnam
            FROM (VALUES {values}) AS k(permno, date)
            JOIN crsp.names n ON n.permno = k.permno AND n.namedt <= k.date
            QUALIFY row_number() OVER (PARTITION BY k.permno, k.date ORDER BY n.namedt DESC) = 1
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found[(reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1))] = (reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return found;
    }

    /// <summary>
    /// The universe query: permno, ticker, company, share and exchange code of the universe on <paramref name="date"/>,
    /// over the given sources (the session's views by default; a benchmark passes <c>read_parquet(...)</c> of the same files).
    /// </summary>
    public static string UniverseSql(DateOnly date, string daily = "crsp.daily", string names = "crsp.names") => $"""
        SELECT n.permno, n.ticker, n.comnam, n.shrcd, n.exchcd
        FROM {daily} d
        JOIN {names} n ON n.permno = d.permno AND {Date(date)} BETWEEN n.namedt AND n.nameendt
        WHERE d.date = {Date(date)} AND n.shrcd IN (10, 11) AND n.exchcd IN (1, 2, 3)
        ORDER BY n.permno
        """;

    /// <summary>The returns query of one permno (daily rows, then the delisting row with Shumway's imputation), over the given sources.</summary>
    public static string ReturnsSql(int permno, DateOnly from, DateOnly to, string daily = "crsp.daily", string delisting = "crsp.delisting") => $"""
        SELECT date, ret, abs(prc) AS price, false AS delisting, false AS imputed
        FROM {daily} WHERE permno = {permno} AND date BETWEEN {Date(from)} AND {Date(to)}
        UNION ALL
        SELECT dlstdt,
               CASE WHEN dlret IS NULL AND (dlstcd = 500 OR dlstcd BETWEEN 520 AND 584) THEN {ImputedPerformanceDelistingReturn.ToString("R", CultureInfo.InvariantCulture)} ELSE dlret END,
               NULL, true, dlret IS NULL AND (dlstcd = 500 OR dlstcd BETWEEN 520 AND 584)
        FROM {delisting} WHERE permno = {permno} AND dlstdt BETWEEN {Date(from)} AND {Date(to)}
        ORDER BY 1, 4
        """;

    private static string Date(DateOnly d) => DuckDbSql.Date(d);
}
