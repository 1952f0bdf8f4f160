using System.Buffers;

namespace Research.Backtesting.Engine;

/// <summary>
/// Storage of an append-only log in blocks that are allocated once and never moved or copied as the log grows
/// (doubling a 7-million-row array would copy it and leave the old one to the collector). The engine asks for room
/// for a whole day (<see cref="Reserve"/>: at most one row per asset), writes every asset's row and advances by one
/// only where there is something to keep, without a branch per asset, then commits what it kept. A block holds at
/// least <see cref="MinimumRows"/> rows; arrays are not zeroed (rows past a block's count are never read).
/// </summary>
internal sealed class LogBlocks<TBlock>(Func<int, int, TBlock> create) where TBlock : LogBlock
{
    /// <summary>Rows per block at least: 65,536 (512 KiB of doubles).</summary>
    public const int MinimumRows = 1 << 16;

    private readonly List<TBlock> _blocks = [];

    /// <summary>Rows over all blocks.</summary>
    public int Count { get; private set; }

    public IReadOnlyList<TBlock> Blocks => _blocks;

    /// <summary>The block with room for <paramref name="rows"/> more rows (a new one when the last is too full).</summary>
    public TBlock Reserve(int rows)
    {
        if (_blocks.Count == 0 || _blocks[^1].Capacity - _blocks[^1].Count < rows)
        {
            _blocks.Add(create(Math.Max(MinimumRows, rows), Count));
        }

        return _blocks[^1];
    }

    /// <summary>Keeps <paramref name="rows"/> rows written after the block's count.</summary>
    public void Commit(TBlock block, int rows)
    {
        block.Count += rows;
        Count += rows;
    }

    /// <summary>The block holding row <paramref name="index"/> and the row within it.</summary>
    public (TBlock Block, int Row) Locate(int index)
    {
        ObjectDisposedException.ThrowIf(Released, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var at = LastStartingAtOrBefore(_blocks, b => b.Start, index);
        return (_blocks[at], index - _blocks[at].Start);
    }

    /// <summary>
    /// The last of <paramref name="items"/> (ordered by their first row, the first starting at 0) whose first row is at
    /// or before <paramref name="index"/>: the block, or the day, a row belongs to. Binary search.
    /// </summary>
    internal static int LastStartingAtOrBefore<T>(IReadOnlyList<T> items, Func<T, int> start, int index)
    {
        var (lo, hi) = (0, items.Count - 1);
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (start(items[mid]) <= index)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>Returns every block's arrays to <see cref="LogBlockPool"/>; the log is unusable after.</summary>
    public void Release()
    {
        foreach (var block in _blocks)
        {
            block.Return();
        }

        _blocks.Clear();
        Released = true;
    }

    public bool Released { get; private set; }

    /// <summary>One column over all blocks as one array.</summary>
    public T[] Concat<T>(Func<TBlock, T[]> column)
    {
        ObjectDisposedException.ThrowIf(Released, this);
        var result = new T[Count];
        foreach (var block in _blocks)
        {
            column(block).AsSpan(0, block.Count).CopyTo(result.AsSpan(block.Start));
        }

        return result;
    }
}

/// <summary>A block of a log: how many rows it can hold, holds, and the index of its first row in the log.</summary>
internal abstract class LogBlock(int capacity, int start)
{
    public int Capacity { get; } = capacity;

    public int Start { get; } = start;

    public int Count { get; set; }

    /// <summary>Gives the block's arrays back to <see cref="LogBlockPool"/>.</summary>
    public abstract void Return();
}

/// <summary>
/// Arrays of released logs (<see cref="BacktestResult.Release"/>), kept for the next run in this process: a long-lived
/// silo or benchmark reuses memory that is already mapped instead of faulting in fresh pages, which cost about as much
/// as writing the trades themselves (a 3,000-stock daily-rebalanced run records some 340 MB). Blocks of the standard
/// size only; at most 1,024 arrays of each element type are kept (512 MiB of doubles, 256 MiB of ints) and a larger
/// request is allocated and later dropped.
/// </summary>
internal static class LogBlockPool
{
    private static readonly ArrayPool<double> Doubles = ArrayPool<double>.Create(LogBlocks<LogBlock>.MinimumRows, 1024);
    private static readonly ArrayPool<int> Ints = ArrayPool<int>.Create(LogBlocks<LogBlock>.MinimumRows, 1024);

    public static double[] RentDoubles(int length) => length == LogBlocks<LogBlock>.MinimumRows ? Doubles.Rent(length) : GC.AllocateUninitializedArray<double>(length);

    public static int[] RentInts(int length) => length == LogBlocks<LogBlock>.MinimumRows ? Ints.Rent(length) : GC.AllocateUninitializedArray<int>(length);

    public static void Return(double[] array)
    {
        if (array.Length == LogBlocks<LogBlock>.MinimumRows)
        {
            Doubles.Return(array);
        }
    }

    public static void Return(int[] array)
    {
        if (array.Length == LogBlocks<LogBlock>.MinimumRows)
        {
            Ints.Return(array);
        }
    }
}
