namespace Research.Grains.Abstractions.Backtests;

/// <summary>A calendar year's return, the benchmark's over the same days, and how many sessions the year covers.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.AnnualRow")]
public sealed record AnnualRow([property: Id(0)] int Year, [property: Id(1)] double Return, [property: Id(2)] double? Benchmark, [property: Id(3)] int Sessions);
