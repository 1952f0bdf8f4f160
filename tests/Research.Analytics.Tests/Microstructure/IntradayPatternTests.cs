using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// The synthetic market plants a U-shaped intraday profile s(u) = 0.5 + 3(2u − 1)² for both the trade arrival rate and
/// the variance per second (<c>IntradaySimulator</c>); the pattern measured from its <c>taq/trades</c> and <c>taq/quotes</c>
/// recovers it: each slice's share of trades within a percentage point of ∫s over the slice / ∫s over the session, and
/// the variance shares U-shaped and correlated with the planted ones; the spread planted wider in the first half hour
/// is wider in the first slice (by at most the planted 2 bp: rounding quotes to cents takes part of it).
/// </summary>
public sealed class IntradayPatternTests
{
    /// <summary>∫ s(u) du over [a, b] / ∫ s over [0, 1] (= 1.5).</summary>
    private static double Planted(double a, double b) => ((0.5 * (b - a)) + ((Math.Pow((2 * b) - 1, 3) - Math.Pow((2 * a) - 1, 3)) / 2)) / 1.5;

    [Fact]
    public async Task The_planted_u_shape_of_trades_and_variance_is_recovered_from_the_synthetic_ticks()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("intraday-pattern");
        var layout = new WarehouseLayout(dir.Path);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 30, Years = 1, EndYear = 2024, Seed = 9, IntradaySymbols = 6, IntradayDays = 5 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "taq/trades", "taq/quotes" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        var pattern = IntradayPattern.Measure(session, buckets: 13, returnSeconds: 60, ct);
        Assert.Equal(30, pattern.SymbolDays);
        Assert.True(pattern.Trades > 20_000, $"{pattern.Trades} trades");
        foreach (var b in pattern.Buckets)
        {
            var planted = Planted(b.From, b.To);
            Assert.True(Math.Abs(b.TradeShare - planted) < 0.01, $"slice {b.From:F3}-{b.To:F3}: trade share {b.TradeShare:F4}, planted {planted:F4}");
        }

        var shares = pattern.Buckets.Select(b => b.VarianceShare).ToArray();
        var planteds = pattern.Buckets.Select(b => Planted(b.From, b.To)).ToArray();
        Assert.True(shares[0] > 3 * shares[6] && shares[^1] > 3 * shares[6], $"variance shares {string.Join(", ", shares.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        var (ms, mp) = (shares.Average(), planteds.Average());
        var correlation = shares.Zip(planteds).Sum(p => (p.First - ms) * (p.Second - mp)) / Math.Sqrt(shares.Sum(s => (s - ms) * (s - ms)) * planteds.Sum(p => (p - mp) * (p - mp)));
        Assert.True(correlation > 0.9, $"correlation of measured and planted variance shares {correlation:F3}");
        Assert.All(pattern.Buckets, b => Assert.InRange(b.RelativeSpread, 1e-5, 0.05));

        // The spread is planted at 2 + 4(1 − s/1800) bp over the first half hour (2 bp after): 2 bp wider on average in the
        // first slice than at midday before the quotes are rounded to whole cents, which takes part of it away.
        Assert.InRange(pattern.Buckets[0].RelativeSpread - pattern.Buckets[6].RelativeSpread, 0.5e-4, 2.0e-4);
        Assert.Equal(1, pattern.Buckets.Sum(b => b.TradeShare), 12);
    }
}
