namespace Research.Grains.Client.Monitoring;

/// <summary>
/// A latency histogram that can be added across processes: <see cref="Buckets"/> fixed log-spaced buckets, bucket i
/// holding durations in (1.1^(i-1), 1.1^i] microseconds (bucket 0: up to 1 µs; the last: everything from about 170 s
/// up). A percentile is reported as its bucket's upper bound, so it overstates by at most 10%. Recording is lock-free.
/// </summary>
public sealed class LatencyHistogram
{
    public const int Buckets = 200;

    private static readonly double LogGrowth = Math.Log(1.1);
    private long[] _counts = new long[Buckets];

    public static int BucketOf(TimeSpan duration)
    {
        var micros = duration.Ticks / 10.0;
        return micros <= 1 ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log(micros) / LogGrowth));
    }

    /// <summary>The upper bound of bucket <paramref name="bucket"/> in milliseconds.</summary>
    public static double UpperMilliseconds(int bucket) => Math.Pow(1.1, bucket) / 1000;

    public void Record(TimeSpan duration) => Interlocked.Increment(ref Volatile.Read(ref _counts)[BucketOf(duration)]);

    /// <summary>The counts since the last call, and a fresh start (a report per interval).</summary>
    public long[] TakeCounts() => Interlocked.Exchange(ref _counts, new long[Buckets]);

    /// <summary>Adds <paramref name="counts"/> into <paramref name="total"/> (both <see cref="Buckets"/> long).</summary>
    public static void Add(long[] total, long[] counts)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(counts);
        if (total.Length != Buckets || counts.Length != Buckets)
        {
            throw new ArgumentException($"latency counts have {Buckets} buckets (got {total.Length} and {counts.Length}).");
        }

        for (var i = 0; i < Buckets; i++)
        {
            total[i] += counts[i];
        }
    }

    /// <summary>The <paramref name="quantile"/> (0 to 1) of <paramref name="counts"/> in milliseconds (its bucket's upper bound), or NaN without observations.</summary>
    public static double Percentile(long[] counts, double quantile)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var total = counts.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperMilliseconds(i);
            }
        }

        return UpperMilliseconds(counts.Length - 1);
    }
}
