using Research.Analytics.Execution;
using Research.Analytics.Microstructure;

namespace Research.Analytics.Tests.Execution;

/// <summary>Benchmarks from one-minute bars: minutes in whole, the arrival the last close before, TWAP carrying the last price through a quiet minute.</summary>
public sealed class BarBenchmarkTests
{
    [Fact]
    public void Arrival_VWAP_and_TWAP_from_bars_are_the_hand_computed_ones()
    {
        MinuteBar[] bars =
        [
            new(36_000, 10.00, 10.05, 9.95, 10.01, 1_000, 10.00, 5),  // 10:00, before the interval
            new(36_060, 10.02, 10.10, 10.00, 10.08, 2_000, 10.05, 8), // 10:01
            new(36_180, 10.06, 10.12, 10.04, 10.10, 3_000, 10.09, 9), // 10:03 (10:02 had no trade)
            new(36_300, 10.20, 10.20, 10.20, 10.20, 9_000, 10.20, 1), // 10:05, after the interval
        ];
        var b = ExecutionBenchmarks.FromBars(bars, 36_075, 36_230); // 10:01:15 to 10:03:50: minutes 10:01, 10:02, 10:03
        Assert.Equal(10.01, b.Arrival, 12);
        Assert.Equal(((10.05 * 2_000) + (10.09 * 3_000)) / 5_000, b.Vwap, 12);
        Assert.Equal((10.08 + 10.08 + 10.10) / 3, b.Twap, 12);
        Assert.Equal(5_000, b.MarketVolume);
        Assert.Equal(17, b.MarketTrades);
        Assert.Throws<ArgumentException>(() => ExecutionBenchmarks.FromBars(bars, 36_230, 36_075));
    }
}
