namespace Research.Backtesting.Metrics;

/// <summary>How a metric's number reads.</summary>
public enum MetricUnit
{
    /// <summary>A plain number (a ratio such as Sharpe, a moment).</summary>
    Number = 0,

    /// <summary>A fraction shown as a percentage (0.05 is 5%).</summary>
    Percent = 1,

    /// <summary>A whole count (sessions, trades, paths).</summary>
    Count = 2,

    /// <summary>A calendar date (the value is null; the text is ISO 8601).</summary>
    Date = 3,

    /// <summary>Words (the value is null).</summary>
    Text = 4,
}
