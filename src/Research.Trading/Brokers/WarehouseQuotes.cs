using Research.Data.Warehouse;

namespace Research.Trading.Brokers;

/// <summary>
/// Quotes from the warehouse's current CRSP daily file: a ticker's latest close (|prc|) and share volume, dated at the
/// session's close (16:00 New York taken as 21:00 UTC), with its 20-session daily volatility and average dollar
/// volume for the impact term. The ticker is the one in <c>crsp/names</c> with the latest name record. Each symbol is
/// read once per instance (the gateway opens one per batch of orders).
/// </summary>
public sealed class WarehouseQuotes(WarehouseLayout layout, TimeProvider clock) : IQuoteSource
{
    private readonly Dictionary<string, Quote?> _cache = new(StringComparer.Ordinal);

    public Quote? Find(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (_cache.TryGetValue(symbol, out var cached))
        {
            return cached;
        }

        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, ["crsp/daily", "crsp/names"]);
        using var command = session.CreateTrustedCommand($"""
            WITH n AS (SELECT permno FROM crsp.names WHERE ticker = {DuckDbSql.Literal(symbol)} ORDER BY nameendt DESC LIMIT 1)
            SELECT date, abs(prc) AS price, vol, ret FROM crsp.daily
            WHERE permno = (SELECT permno FROM n) AND prc IS NOT NULL
            ORDER BY date DESC LIMIT 21
            """);
        using var reader = command.ExecuteReader();
        var rows = new List<(DateOnly Date, double Price, double Volume, double Return)>();
        while (reader.Read())
        {
            rows.Add((reader.GetFieldValue<DateOnly>(0), reader.GetDouble(1), reader.IsDBNull(2) ? 0 : reader.GetDouble(2), reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3)));
        }

        Quote? quote = null;
        if (rows.Count > 0)
        {
            var last = rows[0];
            var window = rows.Take(20).ToList();
            var returns = window.Select(r => r.Return).Where(double.IsFinite).ToList();
            var volatility = returns.Count >= 2 ? Math.Sqrt(returns.Sum(r => (r - returns.Average()) * (r - returns.Average())) / (returns.Count - 1)) : double.NaN;
            var dollarVolume = window.Average(r => r.Price * r.Volume);
            quote = new Quote(symbol, last.Price, last.Volume, new DateTimeOffset(last.Date.ToDateTime(new TimeOnly(21, 0)), TimeSpan.Zero), volatility, dollarVolume > 0 ? dollarVolume : double.NaN);
        }

        _cache[symbol] = quote;
        return quote;
    }
}
