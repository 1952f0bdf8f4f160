using System.Runtime.CompilerServices;

namespace Research.Backtesting.Engine;

/// <summary>
/// The holdings of a run after each trading day (and after its first day), as columns in blocks that never move
/// (<see cref="LogBlocks{TBlock}"/>): one row per (day, held asset) with its weight, written by the engine without an
/// object or an array per day and without a branch per asset.
/// </summary>
public sealed class PositionLog
{
    private readonly DateOnly[] _dates;
    private readonly LogBlocks<Block> _rows = new((capacity, start) => new Block(capacity, start));
    private readonly List<(int Session, int Start)> _days = [];

    /// <param name="dates">The session dates the engine's session indices refer to.</param>
    public PositionLog(DateOnly[] dates) => _dates = dates ?? throw new ArgumentNullException(nameof(dates));

    /// <summary>Rows over all days.</summary>
    public int Count => _rows.Count;

    /// <summary>The days with recorded holdings, in order.</summary>
    public IEnumerable<DateOnly> Dates => _days.Select(d => _dates[d.Session]);

    /// <summary>Records the non-zero weights held after session <paramref name="session"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(int session, ReadOnlySpan<double> weights)
    {
        var block = _rows.Reserve(weights.Length);
        var (assets, kept) = (block.Assets, block.Weights);
        var at = block.Count;
        for (var i = 0; i < weights.Length; i++)
        {
            // Every asset is written; the row is kept (at advances) only when it is held.
            var w = weights[i];
            assets[at] = i;
            kept[at] = w;
            at += w != 0 ? 1 : 0;
        }

        _days.Add((session, Count));
        _rows.Commit(block, at - block.Count);
    }

    /// <summary>The holdings recorded for <paramref name="date"/> (asset indices and weights).</summary>
    public (int[] Assets, double[] Weights) At(DateOnly date)
    {
        var k = _days.FindIndex(d => _dates[d.Session] == date);
        if (k < 0)
        {
            throw new KeyNotFoundException($"No holdings recorded on {date:yyyy-MM-dd}.");
        }

        var (start, end) = (_days[k].Start, k + 1 < _days.Count ? _days[k + 1].Start : Count);
        var rows = Enumerable.Range(start, end - start).Select(_rows.Locate).ToArray();
        return ([.. rows.Select(r => r.Block.Assets[r.Row])], [.. rows.Select(r => r.Block.Weights[r.Row])]);
    }

    /// <summary>All rows as columns: date, asset index, weight.</summary>
    public (DateOnly[] Dates, int[] Assets, double[] Weights) Columns()
    {
        var dates = new DateOnly[Count];
        for (var k = 0; k < _days.Count; k++)
        {
            var end = k + 1 < _days.Count ? _days[k + 1].Start : Count;
            dates.AsSpan(_days[k].Start, end - _days[k].Start).Fill(_dates[_days[k].Session]);
        }

        return (dates, _rows.Concat(b => b.Assets), _rows.Concat(b => b.Weights));
    }

    /// <summary>Gives the log's memory to the next run in this process (<see cref="LogBlockPool"/>); the log is unusable after.</summary>
    internal void Release() => _rows.Release();

    private sealed class Block(int capacity, int start) : LogBlock(capacity, start)
    {
        public int[] Assets { get; } = LogBlockPool.RentInts(capacity);

        public double[] Weights { get; } = LogBlockPool.RentDoubles(capacity);

        public override void Return()
        {
            LogBlockPool.Return(Assets);
            LogBlockPool.Return(Weights);
        }
    }
}
