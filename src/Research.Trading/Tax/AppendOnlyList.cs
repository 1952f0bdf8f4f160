using System.Collections;

namespace Research.Trading.Tax;

/// <summary>
/// A list that only grows, in fixed chunks: appending never copies what is there (a <see cref="List{T}"/> of millions
/// of disposals doubled and copied hundreds of megabytes at a time, and that copying was most of the ledger's time).
/// </summary>
internal sealed class AppendOnlyList<T> : IReadOnlyList<T>
{
    private const int ChunkSize = 8_192;
    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public T this[int index] => (uint)index < (uint)Count ? _chunks[index / ChunkSize][index % ChunkSize] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(T item)
    {
        if (Count % ChunkSize == 0)
        {
            _chunks.Add(new T[ChunkSize]);
        }

        _chunks[^1][Count % ChunkSize] = item;
        Count++;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _chunks[i / ChunkSize][i % ChunkSize];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
