namespace Research.Grains.Abstractions.Backtests;

/// <summary>How a <see cref="ResultMetric"/>'s value reads (the wire twin of the library's metric unit).</summary>
public enum ResultMetricUnit
{
    /// <summary>A plain number (a ratio such as Sharpe, a moment).</summary>
    Number = 0,

    /// <summary>A fraction shown as a percentage.</summary>
    Percent = 1,

    /// <summary>A whole count.</summary>
    Count = 2,

    /// <summary>A calendar date (no value; the display is ISO 8601).</summary>
    Date = 3,

    /// <summary>Words (no value).</summary>
    Text = 4,
}
