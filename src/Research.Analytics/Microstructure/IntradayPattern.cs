using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Analytics.Microstructure;

/// <summary>One slice of the session: its bounds as fractions of the session, trades and shares, midquote variance and time-weighted relative quoted spread, each also as a share of the day's total.</summary>
public sealed record PatternBucket(double From, double To, long Trades, double TradeShare, long Volume, double VolumeShare, double Variance, double VarianceShare, double RelativeSpread);

/// <summary>The intraday pattern over every symbol-day read, and how much it rests on.</summary>
public sealed record IntradayPatternResult(IReadOnlyList<PatternBucket> Buckets, int SymbolDays, long Trades, long Quotes, int ReturnSeconds);

/// <summary>
/// The intraday pattern of trading (the "U-shape"): the session of each day (its own NYSE hours, so a half day is
/// stretched to the same fractions) is cut into equal slices, and over every symbol-day of the warehouse's
/// <c>taq/trades</c> and <c>taq/quotes</c> each slice gets its trades and shares, the variance of the midquote (squared
/// log returns every <c>returnSeconds</c> of the session, each return counted in the slice its midpoint falls in) and the
/// relative quoted spread (ask − bid over the midpoint, weighted by how long each quote stood). Shares are of the
/// totals over all symbol-days, so a large stock weighs more (as a market-wide pattern should).
/// </summary>
public static class IntradayPattern
{
    public static IntradayPatternResult Measure(WarehouseQuerySession session, int buckets = 13, int returnSeconds = 60, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (buckets is < 1 or > 390 || returnSeconds is < 1 or > 3_600)
        {
            throw new ArgumentException($"buckets {buckets} (1 to 390) and return seconds {returnSeconds} (1 to 3,600).");
        }

        foreach (var dataset in new[] { "taq/trades", "taq/quotes" })
        {
            if (!session.Pinned.ContainsKey(dataset))
            {
                throw new ArgumentException($"{dataset} is not in the warehouse: sync it first (research sync --dataset taq).");
            }
        }

        var hours = new Dictionary<DateOnly, (double Open, double Length)>();
        (double Open, double Length) Session(DateOnly date)
        {
            if (!hours.TryGetValue(date, out var h))
            {
                var s = NyseCalendar.Instance.GetSessionHours(date) ?? throw new InvalidDataException($"taq data on {date:yyyy-MM-dd}, which is not an NYSE session.");
                hours[date] = h = (s.Open.ToTimeSpan().TotalSeconds, s.Length.TotalSeconds);
            }

            return h;
        }

        int Bucket(double u) => Math.Clamp((int)Math.Floor(u * buckets), 0, buckets - 1);

        var trades = new long[buckets];
        var volume = new long[buckets];
        using (var command = session.CreateTrustedCommand("SELECT date, time_m_us, size FROM taq.trades WHERE price > 0 AND size > 0"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var (open, length) = Session(DateOnly.FromDateTime(reader.GetDateTime(0)));
                var u = ((reader.GetInt64(1) / 1e6) - open) / length;
                if (u is < 0 or >= 1)
                {
                    continue; // outside the regular session
                }

                var b = Bucket(u);
                trades[b]++;
                volume[b] += reader.GetInt64(2);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var variance = new double[buckets];
        var spreadTime = new double[buckets];
        var spreadSum = new double[buckets];
        var symbolDays = 0;
        long quotes = 0;
        using (var command = session.CreateTrustedCommand("SELECT date, sym_root, time_m_us, bid, ask FROM taq.quotes WHERE bid > 0 AND ask >= bid ORDER BY date, sym_root, time_m_us"))
        using (var reader = command.ExecuteReader())
        {
            var key = (default(DateOnly), string.Empty);
            var day = new List<(double T, double Mid, double Relative)>();
            void Close()
            {
                if (day.Count == 0)
                {
                    return;
                }

                symbolDays++;
                var (open, length) = Session(key.Item1);
                Accumulate(day, open, length);
                day.Clear();
            }

            void Accumulate(List<(double T, double Mid, double Relative)> q, double open, double length)
            {
                // Spread: each quote stands until the next one (the last until the close), within the session.
                for (var i = 0; i < q.Count; i++)
                {
                    var start = Math.Max(q[i].T, open);
                    var end = Math.Min(i + 1 < q.Count ? q[i + 1].T : open + length, open + length);
                    for (var t = start; t < end;)
                    {
                        var b = Bucket((t - open) / length);
                        var sliceEnd = Math.Min(end, open + (length * (b + 1) / buckets));
                        if (sliceEnd <= t)
                        {
                            break;
                        }

                        spreadTime[b] += sliceEnd - t;
                        spreadSum[b] += (sliceEnd - t) * q[i].Relative;
                        t = sliceEnd;
                    }
                }

                // Variance: the midquote in force every returnSeconds (the first quote stands for the open).
                var j = 0;
                var previous = q[0].Mid;
                for (var t = open + returnSeconds; t <= open + length + 1e-9; t += returnSeconds)
                {
                    while (j + 1 < q.Count && q[j + 1].T <= t)
                    {
                        j++;
                    }

                    var r = Math.Log(q[j].Mid / previous);
                    variance[Bucket((t - (returnSeconds / 2.0) - open) / length)] += r * r;
                    previous = q[j].Mid;
                }
            }

            while (reader.Read())
            {
                var date = DateOnly.FromDateTime(reader.GetDateTime(0));
                var symbol = reader.GetString(1);
                if (date != key.Item1 || symbol != key.Item2)
                {
                    Close();
                    key = (date, symbol);
                }

                var (bid, ask) = (reader.GetDouble(3), reader.GetDouble(4));
                var mid = (bid + ask) / 2;
                day.Add((reader.GetInt64(2) / 1e6, mid, (ask - bid) / mid));
                quotes++;
            }

            Close();
        }

        var (totalTrades, totalVolume, totalVariance) = (trades.Sum(), (double)volume.Sum(), variance.Sum());
        var rows = new PatternBucket[buckets];
        for (var b = 0; b < buckets; b++)
        {
            rows[b] = new PatternBucket((double)b / buckets, (double)(b + 1) / buckets, trades[b], totalTrades > 0 ? (double)trades[b] / totalTrades : double.NaN, volume[b],
                totalVolume > 0 ? volume[b] / totalVolume : double.NaN, variance[b], totalVariance > 0 ? variance[b] / totalVariance : double.NaN,
                spreadTime[b] > 0 ? spreadSum[b] / spreadTime[b] : double.NaN);
        }

        return new IntradayPatternResult(rows, symbolDays, totalTrades, quotes, returnSeconds);
    }
}
