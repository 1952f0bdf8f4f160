namespace Research.Grains.Abstractions.Backtests;

/// <summary>One of the worst drawdowns: peak, trough, recovery (null while under water), depth and length in sessions.</summary>
[GenerateSerializer, Immutable, Alias("research.backtests.DrawdownRow")]
public sealed record DrawdownRow([property: Id(0)] DateOnly Peak, [property: Id(1)] DateOnly Trough, [property: Id(2)] DateOnly? Recovery, [property: Id(3)] double Depth, [property: Id(4)] int Sessions);
