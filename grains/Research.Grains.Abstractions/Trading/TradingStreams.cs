namespace Research.Grains.Abstractions.Trading;

/// <summary>
/// An account's order and fill events, published by its gateway after the state that carries them is stored. Exactly one
/// of <see cref="Order"/> and <see cref="Fill"/> is set.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.trading.TradingEvent")]
public sealed record TradingEvent([property: Id(0)] string Account, [property: Id(1)] OrderView? Order, [property: Id(2)] FillView? Fill);

/// <summary>
/// The trading event streams: provider <see cref="Provider"/> (memory streams in the silos and every client), one stream
/// per account (<c>StreamId.Create(Namespace, account)</c>). Delivery is best effort (a silo loss can drop events in flight); a follower keeps the
/// last fill sequence it saw and reads the gap from <see cref="IExecutionGatewayGrain.FillsAsync"/>, the record.
/// </summary>
public static class TradingStreams
{
    public const string Provider = "trading";

    public const string Namespace = "trading.account";
}
