using Research.Analytics.Microstructure;
using Research.Data.Warehouse;

namespace Research.Analytics.Execution;

/// <summary>
/// What a symbol's recent days in TAQ tier 1 say about trading it: the last close, the mean daily realized variance
/// (5-minute RV), the mean time-weighted quoted spread in dollars, the mean daily volume, and the mean shares traded in
/// each minute of the session (the intraday volume profile), over <see cref="Days"/> days up to <see cref="Through"/>.
/// </summary>
public sealed record ScheduleInputs(string Symbol, DateOnly From, DateOnly Through, int Days, double Price, double DailyVariance, double Spread, double DailyVolume,
    IReadOnlyDictionary<int, double> VolumeByMinute)
{
    /// <summary>Reads the inputs from tier 1 (<see cref="TaqAggregates"/>): the latest <paramref name="days"/> days of the symbol up to <paramref name="through"/>.</summary>
    public static ScheduleInputs FromTier1(WarehouseQuerySession session, string symbol, DateOnly? through, int days)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (TaqAggregates.Datasets.FirstOrDefault(d => !session.Pinned.ContainsKey(d)) is { } missing)
        {
            throw new ArgumentException($"{missing} is not in the warehouse: run research taq sync (WRDS) or research taq aggregate (ticks already local).");
        }

        var name = DuckDbSql.Literal(symbol);
        var until = through is { } t ? $" AND date <= {DuckDbSql.Date(t)}" : string.Empty;
        var dates = new List<DateOnly>();
        using (var command = session.CreateTrustedCommand($"SELECT DISTINCT date FROM taq.daily_rv WHERE sym_root = {name}{until} AND rv_5m > 0 ORDER BY date DESC LIMIT {days}"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                dates.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        if (dates.Count == 0)
        {
            throw new ArgumentException($"tier 1 has no day of {symbol}{(through is { } d ? $" up to {d:yyyy-MM-dd}" : string.Empty)} with a realized variance.");
        }

        var window = $"sym_root = {name} AND date BETWEEN {DuckDbSql.Date(dates[^1])} AND {DuckDbSql.Date(dates[0])}";
        double variance, spread, volume, price;
        using (var command = session.CreateTrustedCommand(
            $"SELECT avg(r.rv_5m), avg(s.quoted_spread), (SELECT sum(volume) FROM taq.bars_1m WHERE {window}) / {dates.Count}, " +
            $"(SELECT last(close ORDER BY date, minute) FROM taq.bars_1m WHERE {window}) " +
            $"FROM taq.daily_rv r JOIN taq.daily_spread s USING (date, sym_root) WHERE r.{window.Replace(" AND date", " AND r.date", StringComparison.Ordinal)}"))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            if (Enumerable.Range(0, 4).Any(reader.IsDBNull))
            {
                throw new ArgumentException($"tier 1 lacks bars, RV or spreads of {symbol} on {dates[^1]:yyyy-MM-dd}..{dates[0]:yyyy-MM-dd}.");
            }

            (variance, spread, volume, price) = (reader.GetDouble(0), reader.GetDouble(1), Convert.ToDouble(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), reader.GetDouble(3));
        }

        var profile = new Dictionary<int, double>();
        using (var command = session.CreateTrustedCommand($"SELECT minute, sum(volume) / {dates.Count} FROM taq.bars_1m WHERE {window} GROUP BY minute ORDER BY minute"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                profile[reader.GetInt32(0)] = Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new ScheduleInputs(symbol, dates[^1], dates[0], dates.Count, price, variance, spread, volume, profile);
    }

    /// <summary>The mean shares traded in [<paramref name="fromMinute"/>, <paramref name="toMinute"/>) (minutes after midnight).</summary>
    public double VolumeBetween(int fromMinute, int toMinute) => VolumeByMinute.Where(p => p.Key >= fromMinute && p.Key < toMinute).Sum(p => p.Value);
}
