namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// When and what the historical ETL loads into one dataset (<c>prices/daily</c> or <c>yahoo/daily</c>): a cron
/// expression (five fields, in <see cref="TimeZone"/>), the symbols, the first date, the provider chain.
/// Each run loads up to the last completed day; new rows are found per symbol, so a run that finds nothing publishes nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.EtlSchedule")]
public sealed record EtlSchedule(
    [property: Id(0)] string Cron,
    [property: Id(1)] IReadOnlyList<string> Symbols,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] string Source,
    [property: Id(4)] bool AllowPartial,
    [property: Id(5)] string TimeZone,
    [property: Id(6)] string RequestedBy);
