namespace Research.Backtesting.Metrics;

/// <summary>One labelled metric of a result: its stable key, the group it belongs to, its unit, its value (null for text, dates and not-a-number) and how it reads.</summary>
public sealed record MetricLine(string Group, string Key, string Label, MetricUnit Unit, double? Value, string Display);
