using Research.Analytics.Factors;

namespace Research.Backtesting.Engine;

/// <summary>A strategy read data from after its decision date.</summary>
public sealed class LookAheadException(string message) : InvalidOperationException(message);

/// <summary>
/// What a strategy may see when it decides at the close of session <see cref="Session"/>: every accessor takes a
/// session index or a date and throws <see cref="LookAheadException"/>, naming the strategy, the data and both dates,
/// when asked for anything later. Exposure snapshots are visible from their own date (they use data up to that close).
/// </summary>
public sealed class PointInTimeView
{
    private readonly BacktestData _data;
    private readonly FactorExposures? _exposures;
    private readonly string _strategy;

    internal PointInTimeView(BacktestData data, FactorExposures? exposures, string strategy, int session)
    {
        _data = data;
        _exposures = exposures;
        _strategy = strategy;
        Session = session;
    }

    /// <summary>The decision session: data up to and including its close is known.</summary>
    public int Session { get; }

    public DateOnly Date => _data.Dates[Session];

    public int Assets => _data.Assets;

    /// <summary>
    /// Whether the decision session is the last of its month by the exchange calendar (knowing that the next session is in
    /// another month is not look-ahead: the calendar is published in advance).
    /// </summary>
    public bool IsLastSessionOfMonth =>
        Research.Core.Calendars.NyseCalendar.Instance.NextSession(Date) is var next && next.Month != Date.Month;

    public int[] Ids => _data.Panel.Ids;

    /// <summary>Close-to-close return of asset i on session s (s at most the decision session).</summary>
    public double Return(int s, int i)
    {
        Guard(s, "returns");
        return _data.Panel.Returns[(s * _data.Assets) + i];
    }

    /// <summary>Market cap of asset i at the close of session s.</summary>
    public double MarketCap(int s, int i)
    {
        Guard(s, "market caps");
        return _data.Panel.MarketCap[(s * _data.Assets) + i];
    }

    /// <summary>Whether asset i traded on session s (has a return).</summary>
    public bool Traded(int s, int i) => !double.IsNaN(Return(s, i));

    /// <summary>The latest exposure snapshot taken on or before the decision date.</summary>
    public ExposureSnapshot Exposures(out IReadOnlyList<string> factors)
    {
        if (_exposures is null)
        {
            throw new InvalidOperationException($"Strategy '{_strategy}' asked for factor exposures, but the backtest has none (build factors first).");
        }

        var index = _exposures.SnapshotBefore(Session + 1);
        if (index < 0)
        {
            throw new InvalidOperationException($"Strategy '{_strategy}': no exposure snapshot on or before {Date:yyyy-MM-dd}.");
        }

        factors = _exposures.Factors;
        return _exposures.Snapshots[index];
    }

    /// <summary>Exposure snapshot by date: a snapshot after the decision date is look-ahead.</summary>
    public ExposureSnapshot ExposuresOn(DateOnly date)
    {
        if (date > Date)
        {
            throw new LookAheadException($"Strategy '{_strategy}' read factor exposures of {date:yyyy-MM-dd} when deciding at the close of {Date:yyyy-MM-dd}.");
        }

        if (_exposures is null)
        {
            throw new InvalidOperationException($"Strategy '{_strategy}' asked for factor exposures, but the backtest has none.");
        }

        var index = _exposures.SnapshotBefore(_data.Panel.SessionOnOrBefore(date) + 1);
        return index >= 0 ? _exposures.Snapshots[index] : throw new InvalidOperationException($"No exposure snapshot on or before {date:yyyy-MM-dd}.");
    }

    private void Guard(int s, string what)
    {
        if (s > Session)
        {
            throw new LookAheadException(
                $"Strategy '{_strategy}' read {what} of {_data.Dates[Math.Min(s, _data.Sessions - 1)]:yyyy-MM-dd} when deciding at the close of {Date:yyyy-MM-dd}: that is look-ahead.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(s);
    }
}

/// <summary>A strategy: at each of its rebalance sessions it returns target weights (fractions of capital; negative = short).</summary>
public interface IStrategy
{
    string Name { get; }

    /// <summary>Whether the strategy trades after the close of this session.</summary>
    bool RebalancesOn(PointInTimeView view);

    /// <summary>Target weights by asset index (length = assets; 0 = no position). Cash is 1 − Σ w.</summary>
    double[] TargetWeights(PointInTimeView view);
}
