namespace Research.Grains.Abstractions.Backtests;

/// <summary>
/// One metric of a stored result as a page shows it: the group it belongs to, its stable key (the stored document's
/// field, dotted when nested), a label, its unit, the value (null for dates, text and not-a-number) and its display
/// text, formatted once in the silo.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.backtests.ResultMetric")]
public sealed record ResultMetric(
    [property: Id(0)] string Group,
    [property: Id(1)] string Key,
    [property: Id(2)] string Label,
    [property: Id(3)] ResultMetricUnit Unit,
    [property: Id(4)] double? Value,
    [property: Id(5)] string Display);
