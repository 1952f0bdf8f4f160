namespace Research.Grains.Backtests;

/// <summary>
/// A small bounded map for values that never change once computed (derived from published results): the oldest entry is
/// dropped past <c>capacity</c>. Two callers missing the same key at once both compute it; the values are equal.
/// </summary>
public sealed class ComputedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = [];
    private readonly Queue<TKey> _order = new();
    private readonly Lock _gate = new();

    public async Task<TValue> GetOrComputeAsync(TKey key, Func<Task<TValue>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        lock (_gate)
        {
            if (_values.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var value = await compute().ConfigureAwait(false);
        lock (_gate)
        {
            if (_values.TryAdd(key, value))
            {
                _order.Enqueue(key);
                while (_order.Count > capacity)
                {
                    _values.Remove(_order.Dequeue());
                }
            }
        }

        return value;
    }
}
