using System.Globalization;
using DuckDB.NET.Data;
using Research.Data.Fetching;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Crsp;

/// <summary>
/// CRSP-shaped daily data (<c>crsp.daily</c>, <c>crsp.names</c>, <c>crsp.delisting</c>) as a <see cref="IMarketDataProvider"/>:
/// the warehouse's CRSP datasets (<c>crsp</c>, over a pinned session) or the synthetic market's files
/// (<c>synthetic</c>, see <see cref="Research.Data.Sync.SyntheticSyncSource"/>).
/// <list type="bullet">
/// <item>A symbol is a ticker, resolved to the permno whose name record carried it in the range (the latest such
/// record when several did), or <c>PERMNO:n</c>.</item>
/// <item>Prices are as traded (<c>abs(prc)</c>: CRSP marks bid/ask midpoints negative); <c>ret</c> and <c>retx</c> are
/// CRSP's. No high or low in the warehouse's daily file: they stay missing.</item>
/// <item>A dividend is recovered from <c>(ret - retx) x |prc_{t-1}|</c> (CRSP: ret - retx = dividend / previous price); a split
/// from a change of the price adjustment factor, <c>cfacpr_{t-1} / cfacpr_t</c> new shares per old.</item>
/// <item>A delisting return in range is one more bar on the delisting date without prices, imputed by Shumway's rule
/// when missing for a performance delisting (<see cref="CrspProvider"/>).</item>
/// </list>
/// Calls are serialised: one DuckDB connection serves one query at a time.
/// </summary>
public sealed class CrspMarketData(string name, Func<string, DuckDBCommand> command, string description) : IMarketDataProvider
{
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    /// <summary>Over the warehouse's current CRSP versions (the session stays the caller's).</summary>
    public static CrspMarketData Warehouse(WarehouseQuerySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var versions = string.Join(", ", session.Pinned.Where(p => p.Key.StartsWith("crsp/", StringComparison.Ordinal)).Select(p => $"{p.Key}@{p.Value.VersionId}"));
        return new CrspMarketData("crsp", session.CreateTrustedCommand, $"the warehouse's {versions}");
    }

    public Task<IReadOnlyList<string>> UniverseAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            using var query = command(CrspProvider.UniverseSql(date));
            using var reader = query.ExecuteReader();
            var symbols = new List<string>();
            while (reader.Read())
            {
                symbols.Add(reader.IsDBNull(1) ? $"PERMNO:{reader.GetInt32(0).ToString(CultureInfo.InvariantCulture)}" : reader.GetString(1));
            }

            return Task.FromResult<IReadOnlyList<string>>(symbols);
        }
    }

    public Task<PriceHistory> DailyAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        symbol = symbol.Trim().ToUpperInvariant();
        lock (_gate)
        {
            var permno = Resolve(symbol, from, to);
            var bars = new List<DailyBar>();
            using (var query = command(BarsSql(permno, from, to)))
            using (var reader = query.ExecuteReader())
            {
                while (reader.Read())
                {
                    double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
                    var date = reader.GetFieldValue<DateOnly>(0);
                    if (bars.Count > 0 && bars[^1].Date == date && reader.IsDBNull(2))
                    {
                        // A delisting on a day that also traded: the day's return compounds both (CRSP's delisting convention).
                        var day = bars[^1];
                        bars[^1] = day with { Ret = day.Ret is { } r && D(4) is { } dl ? ((1 + r) * (1 + dl)) - 1 : day.Ret ?? D(4) };
                        continue;
                    }

                    bars.Add(new DailyBar(date, D(1), null, null, D(2), D(3), D(4), D(5), D(6) is > 1e-9 and var d ? d : null, D(7) is { } s && Math.Abs(s - 1) > 1e-9 ? s : null));
                }
            }

            if (bars.Count == 0)
            {
                throw new SymbolNotFoundException($"{symbol} (permno {permno}) has no daily rows in {from:yyyy-MM-dd}..{to:yyyy-MM-dd} in {description}.");
            }

            return Task.FromResult(new PriceHistory(symbol, Name, "USD", bars, []));
        }
    }

    private int Resolve(string symbol, DateOnly from, DateOnly to)
    {
        if (symbol.StartsWith("PERMNO:", StringComparison.Ordinal))
        {
            return int.TryParse(symbol.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                ? p
                : throw new ArgumentException($"'{symbol}' is not PERMNO:<number>.", nameof(symbol));
        }

        using var query = command($"""
            SELECT permno FROM crsp.names
            WHERE ticker = {DuckDbSql.Literal(symbol)} AND namedt <= {DuckDbSql.Date(to)} AND nameendt >= {DuckDbSql.Date(from)}
            ORDER BY namedt DESC LIMIT 1
            """);
        var found = query.ExecuteScalar();
        return found is null or DBNull
            ? throw new SymbolNotFoundException($"No security carried the ticker {symbol} in {from:yyyy-MM-dd}..{to:yyyy-MM-dd} in {description}.")
            : Convert.ToInt32(found, CultureInfo.InvariantCulture);
    }

    private static string BarsSql(int permno, DateOnly from, DateOnly to) => $"""
        WITH d AS (
            SELECT date, openprc, abs(prc) AS prc, vol, ret, retx,
                   lag(abs(prc)) OVER (ORDER BY date) AS prev_prc, lag(cfacpr) OVER (ORDER BY date) AS prev_cfacpr, cfacpr
            FROM crsp.daily WHERE permno = {permno} AND date <= {DuckDbSql.Date(to)}
        )
        SELECT date, openprc, prc, vol, ret, retx, (ret - retx) * prev_prc AS dividend, prev_cfacpr / nullif(cfacpr, 0) AS split
        FROM d WHERE date >= {DuckDbSql.Date(from)}
        UNION ALL
        SELECT dlstdt, NULL, NULL, NULL,
               CASE WHEN dlret IS NULL AND (dlstcd = 500 OR dlstcd BETWEEN 520 AND 584) THEN {CrspProvider.ImputedPerformanceDelistingReturn.ToString("R", CultureInfo.InvariantCulture)} ELSE dlret END,
               NULL, NULL, NULL
        FROM crsp.delisting WHERE permno = {permno} AND dlstdt BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)}
        ORDER BY 1, 3 NULLS LAST
        """;
}
