using System.Diagnostics.Metrics;

namespace Research.Grains.Trading;

/// <summary>
/// The trading side's metrics on the <c>Research.Trading</c> meter (exported by OpenTelemetry in the silo):
/// <c>research.trading.orders</c> (a counter tagged with the order's first <c>status</c>),
/// <c>research.trading.order.duration</c> (ms from a submit's arrival at the gateway to its reply being ready, the state
/// written) and <c>research.trading.breaker_check.duration</c> (ms to ask the breakers of an order's scopes).
/// </summary>
public sealed class TradingMetrics : IDisposable
{
    public const string MeterName = "Research.Trading";

    private readonly Meter _meter;
    private readonly Counter<long> _orders;
    private readonly Histogram<double> _orderDuration;
    private readonly Histogram<double> _breakerCheck;

    public TradingMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _orders = _meter.CreateCounter<long>("research.trading.orders", description: "Orders handled by the gateways, by first status");
        _orderDuration = _meter.CreateHistogram<double>("research.trading.order.duration", unit: "ms", description: "A submit at the gateway, from arrival to the reply (state written)");
        _breakerCheck = _meter.CreateHistogram<double>("research.trading.breaker_check.duration", unit: "ms", description: "Asking the breakers of an order's scopes");
    }

    public Meter Meter => _meter;

    internal void Order(string status, TimeSpan elapsed)
    {
        _orders.Add(1, new KeyValuePair<string, object?>("status", status));
        _orderDuration.Record(elapsed.TotalMilliseconds);
    }

    internal void BreakerCheck(TimeSpan elapsed) => _breakerCheck.Record(elapsed.TotalMilliseconds);

    public void Dispose() => _meter.Dispose();
}
