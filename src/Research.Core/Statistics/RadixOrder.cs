namespace Research.Core.Statistics;

/// <summary>
/// Orders many short arrays of doubles fast and exactly, reusing its buffers (one instance per thread): a stable
/// least-significant-digit radix sort on the top 22 bits of an order-preserving 64-bit image of each double (sign,
/// exponent and ten bits of mantissa, so a bucket spans a thousandth of a binade; two passes of 11 bits, a pass skipped
/// when all keys share its digit), then one stable insertion pass by the full key, which moves elements only within
/// runs of equal top bits; past a budget of moves (values packed within a thousandth of each other), each run is
/// ordered on its own, a long one by a sort with equal keys put back in position order. Equal values keep their input order (so input in id order gives ties by id);
/// -0 and +0 are one value. No NaN may be given.
/// </summary>
public sealed class RadixOrder
{
    private const int Bits = 11;
    private const int Buckets = 1 << Bits;
    private const int Shift = 64 - (2 * Bits); // the bits below the two digits
    private const int InsertionLimit = 48;

    private ulong[] _keys = [];
    private ulong[] _keysSwap = [];
    private int[] _ids = [];
    private int[] _idsSwap = [];
    private readonly int[] _histograms = new int[2 * Buckets];

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
        var low = histograms[..Buckets];
        var high = histograms[Buckets..];
        for (var i = 0; i < n; i++)
        {
            var key = Key(values[i]);
            keys[i] = key;
            ids[i] = i;
            low[(int)((key >> Shift) & (Buckets - 1))]++;
            high[(int)(key >> (Shift + Bits))]++;
        }

        for (var pass = 0; pass < 2; pass++)
        {
            var histogram = pass == 0 ? low : high;
            var shift = Shift + (pass * Bits);
            if (histogram[(int)((keys[0] >> shift) & (Buckets - 1))] == n)
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

        // The keys are in order of their top bits, so one insertion pass over the whole array moves elements only within
        // runs of equal top bits. Values packed closer than the buckets could make that quadratic: past a budget of
        // moves, each remaining run is ordered on its own (a long one by a sort).
        var (moves, budget) = (0L, 8L * n);
        for (var i = 1; i < n; i++)
        {
            var key = keys[i];
            if (keys[i - 1] <= key)
            {
                continue;
            }

            var id = ids[i];
            var j = i - 1;
            do
            {
                keys[j + 1] = keys[j];
                ids[j + 1] = ids[j];
                j--;
            }
            while (j >= 0 && keys[j] > key);
            keys[j + 1] = key;
            ids[j + 1] = id;
            moves += i - j;
            if (moves > budget)
            {
                OrderRuns(keys, ids, n);
                break;
            }
        }

        ids.AsSpan(0, n).CopyTo(order);
    }

    private static void OrderRuns(ulong[] keys, int[] ids, int n)
    {
        for (var start = 0; start < n;)
        {
            var top = keys[start] >> Shift;
            var end = start + 1;
            while (end < n && (keys[end] >> Shift) == top)
            {
                end++;
            }

            if (end - start <= InsertionLimit)
            {
                InsertionSort(keys, ids, start, end);
            }
            else
            {
                SortLongRun(keys.AsSpan(start, end - start), ids.AsSpan(start, end - start));
            }

            start = end;
        }
    }

    private static void InsertionSort(ulong[] keys, int[] ids, int start, int end)
    {
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
    }

    /// <summary>An introsort of the run by key (not stable), then each set of equal keys put back in ascending position.</summary>
    private static void SortLongRun(Span<ulong> keys, Span<int> ids)
    {
        keys.Sort(ids);
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                ids[start..end].Sort();
            }

            start = end;
        }
    }

    /// <summary>An unsigned image of a double with the same order: negative values bit-flipped, others with the sign bit set.</summary>
    private static ulong Key(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }
}
