namespace Research.Core.Statistics;

/// <summary>
/// Orders many short arrays of doubles fast and exactly, reusing its buffers (one instance per thread): a stable
/// least-significant-digit radix sort on the top 32 bits of an order-preserving 64-bit image of each double (three
/// passes of 11 bits, a pass skipped when all keys share its digit), then each run of equal top bits put in order by
/// the full key with a stable insertion sort. Equal values keep their input order (so input in id order gives ties by
/// id); -0 and +0 are one value. No NaN may be given.
/// </summary>
public sealed class RadixOrder
{
    private const int Bits = 11;
    private const int Buckets = 1 << Bits;

    private ulong[] _keys = [];
    private ulong[] _keysSwap = [];
    private int[] _ids = [];
    private int[] _idsSwap = [];
    private readonly int[] _histograms = new int[3 * Buckets];

    /// <summary>
    /// Writes into <paramref name="order"/> the positions of <paramref name="values"/> in ascending order of value
    /// (equal values in ascending position).
    /// </summary>
    public void Order(ReadOnlySpan<double> values, Span<int> order)
    {
        var n = values.Length;
        if (order.Length < n)
        {
            throw new ArgumentException($"order has room for {order.Length} positions; {n} are needed.", nameof(order));
        }

        if (n == 0)
        {
            return;
        }

        if (_keys.Length < n)
        {
            (_keys, _keysSwap, _ids, _idsSwap) = (new ulong[n], new ulong[n], new int[n], new int[n]);
        }

        var (keys, swapKeys, ids, swapIds) = (_keys, _keysSwap, _ids, _idsSwap);
        var histograms = _histograms.AsSpan();
        histograms.Clear();
        for (var i = 0; i < n; i++)
        {
            var key = Key(values[i]);
            keys[i] = key;
            ids[i] = i;
            histograms[(int)((key >> 32) & (Buckets - 1))]++;
            histograms[Buckets + (int)((key >> (32 + Bits)) & (Buckets - 1))]++;
            histograms[(2 * Buckets) + (int)(key >> (32 + (2 * Bits)))]++;
        }

        for (var pass = 0; pass < 3; pass++)
        {
            var histogram = histograms.Slice(pass * Buckets, Buckets);
            var shift = 32 + (pass * Bits);
            var first = (int)((keys[0] >> shift) & (Buckets - 1));
            if (histogram[first] == n)
            {
                continue; // every key has this digit
            }

            var sum = 0;
            for (var d = 0; d < Buckets; d++)
            {
                var count = histogram[d];
                histogram[d] = sum;
                sum += count;
            }

            for (var i = 0; i < n; i++)
            {
                var at = histogram[(int)((keys[i] >> shift) & (Buckets - 1))]++;
                swapKeys[at] = keys[i];
                swapIds[at] = ids[i];
            }

            (keys, swapKeys) = (swapKeys, keys);
            (ids, swapIds) = (swapIds, ids);
        }

        // Runs that share the top 32 bits: order by the whole key, stably.
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && (keys[end] >> 32) == (keys[start] >> 32))
            {
                end++;
            }

            for (var i = start + 1; i < end; i++)
            {
                var (key, id) = (keys[i], ids[i]);
                var j = i - 1;
                while (j >= start && keys[j] > key)
                {
                    keys[j + 1] = keys[j];
                    ids[j + 1] = ids[j];
                    j--;
                }

                keys[j + 1] = key;
                ids[j + 1] = id;
            }

            start = end;
        }

        ids.AsSpan(0, n).CopyTo(order);
    }

    /// <summary>An unsigned image of a double with the same order: negative values bit-flipped, others with the sign bit set.</summary>
    private static ulong Key(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }
}
