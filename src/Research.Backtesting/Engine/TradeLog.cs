using System.Collections;

namespace Research.Backtesting.Engine;

/// <summary>
/// The trades of a run as columns (asset, weight before and after, cost, realised P&amp;L; the session and the capital at the trade once
/// per trading day), written by the engine into blocks that never move (<see cref="LogBlocks{TBlock}"/>): no object per
/// trade and no copy when the log grows (a daily-rebalanced 3,000-stock book over 25 years makes about 9 million
/// trades). Read it as a list of <see cref="Trade"/> values (made on access) or column by column.
/// </summary>
public sealed class TradeLog : IReadOnlyList<Trade>
{
    private readonly DateOnly[] _dates;
    private readonly LogBlocks<Block> _rows = new((capacity, start) => new Block(capacity, start));
    private readonly List<(int Session, int Start, double Capital)> _days = [];

    /// <param name="dates">The session dates the engine's session indices refer to.</param>
    public TradeLog(DateOnly[] dates) => _dates = dates ?? throw new ArgumentNullException(nameof(dates));

    public int Count => _rows.Count;

    public Trade this[int index]
    {
        get
        {
            var (block, row) = _rows.Locate(index);
            var (session, _, capital) = _days[Day(index)];
            return new Trade(_dates[session], block.Assets[row], block.Before[row], block.After[row], block.Cost[row], (block.After[row] - block.Before[row]) * capital, block.Realized[row]);
        }
    }

    /// <summary>Appends one session's trades (the engine writes them in place through <see cref="Reserve"/> and <see cref="Commit"/>).</summary>
    /// <param name="capital">Dollars at the trades: a trade's value is (after − before) x capital.</param>
    public void AddDay(int session, double capital, ReadOnlySpan<int> assets, ReadOnlySpan<double> before, ReadOnlySpan<double> after, ReadOnlySpan<double> cost, ReadOnlySpan<double> realized)
    {
        var block = Reserve(assets.Length);
        var at = block.Count;
        assets.CopyTo(block.Assets.AsSpan(at));
        before.CopyTo(block.Before.AsSpan(at));
        after.CopyTo(block.After.AsSpan(at));
        cost.CopyTo(block.Cost.AsSpan(at));
        realized.CopyTo(block.Realized.AsSpan(at));
        Commit(block, assets.Length, session, capital);
    }

    public DateOnly[] DateColumn()
    {
        var dates = new DateOnly[Count];
        for (var k = 0; k < _days.Count; k++)
        {
            var end = k + 1 < _days.Count ? _days[k + 1].Start : Count;
            dates.AsSpan(_days[k].Start, end - _days[k].Start).Fill(_dates[_days[k].Session]);
        }

        return dates;
    }

    public int[] AssetColumn() => _rows.Concat(b => b.Assets);

    public double[] BeforeColumn() => _rows.Concat(b => b.Before);

    public double[] AfterColumn() => _rows.Concat(b => b.After);

    public double[] CostColumn() => _rows.Concat(b => b.Cost);

    /// <summary>P&amp;L in dollars each trade realised (see the engine's execution step); 0 for a trade that opens or adds.</summary>
    public double[] RealizedColumn() => _rows.Concat(b => b.Realized);

    /// <summary>Dollars traded, signed: (after − before) x the capital at the trade.</summary>
    public double[] ValueColumn()
    {
        var (before, after) = (BeforeColumn(), AfterColumn());
        var values = new double[Count];
        for (var k = 0; k < _days.Count; k++)
        {
            var end = k + 1 < _days.Count ? _days[k + 1].Start : Count;
            for (var r = _days[k].Start; r < end; r++)
            {
                values[r] = (after[r] - before[r]) * _days[k].Capital;
            }
        }

        return values;
    }

    public IEnumerator<Trade> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A block with room for <paramref name="rows"/> rows after its count.</summary>
    internal Block Reserve(int rows) => _rows.Reserve(rows);

    /// <summary>Keeps the <paramref name="rows"/> rows written after the block's count as session <paramref name="session"/>'s trades.</summary>
    internal void Commit(Block block, int rows, int session, double capital)
    {
        if (rows == 0)
        {
            return;
        }

        _days.Add((session, Count, capital));
        _rows.Commit(block, rows);
    }

    private int Day(int index) => LogBlocks<Block>.LastStartingAtOrBefore(_days, d => d.Start, index);

    /// <summary>Gives the log's memory to the next run in this process (<see cref="LogBlockPool"/>); the log is unusable after.</summary>
    internal void Release() => _rows.Release();

    internal sealed class Block(int capacity, int start) : LogBlock(capacity, start)
    {
        public int[] Assets { get; } = LogBlockPool.RentInts(capacity);

        public double[] Before { get; } = LogBlockPool.RentDoubles(capacity);

        public double[] After { get; } = LogBlockPool.RentDoubles(capacity);

        public double[] Cost { get; } = LogBlockPool.RentDoubles(capacity);

        public double[] Realized { get; } = LogBlockPool.RentDoubles(capacity);

        public override void Return()
        {
            LogBlockPool.Return(Realized);
            LogBlockPool.Return(Assets);
            LogBlockPool.Return(Before);
            LogBlockPool.Return(After);
            LogBlockPool.Return(Cost);
        }
    }
}
