using Research.Analytics.Microstructure;
using Research.Testing;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// Realized variance (plain and subsampled), bipower variation and jumps, Roll's spread and Kyle's lambda against hand
/// computations on small constructed days, and the realized variance of the real AAPL sample against a second
/// computation from the raw lines.
/// </summary>
public sealed class RealizedMeasuresTests
{
    private static LobsterEvent Quote(double t, double mid) => new(t, 1, 0, 100, mid, 1, mid + 0.01, 100, mid - 0.01, 100);

    private static LobsterEvent Trade(double t, double price, int initiator, int size, double mid) => new(t, 4, 0, size, price, -initiator, mid + 0.01, 100, mid - 0.01, 100);

    [Fact]
    public void Realized_variance_subsampling_bipower_and_jumps_equal_the_hand_computation()
    {
        // Midquotes 100, 101 (t 250), 99 (550), 100 (899), 102 (1100) over a 1,200 s "session" sampled every 300 s.
        LobsterEvent[] events = [Quote(0, 100), Quote(250, 101), Quote(550, 99), Quote(899, 100), Quote(1100, 102)];
        var r = new[] { Math.Log(101 / 100.0), Math.Log(99 / 101.0), Math.Log(100 / 99.0), Math.Log(102 / 100.0) };
        var rv = r.Sum(x => x * x);
        var bv = Math.PI / 2 * ((Math.Abs(r[1]) * Math.Abs(r[0])) + (Math.Abs(r[2]) * Math.Abs(r[1])) + (Math.Abs(r[3]) * Math.Abs(r[2])));

        // The grid shifted by 150 s: 0, 150, 450, 750, 1050, 1200: midquotes 100, 100, 101, 99, 100, 102.
        var shifted = new[] { 0.0, Math.Log(101 / 100.0), Math.Log(99 / 101.0), Math.Log(100 / 99.0), Math.Log(102 / 100.0) }.Sum(x => x * x);
        var day = RealizedMeasures.Realized(events, interval: 300, step: 150, from: 0, to: 1200);
        Assert.Equal(4, day.Returns);
        Assert.Equal(2, day.Grids);
        Assert.Equal(rv, day.Variance, 15);
        Assert.Equal((rv + shifted) / 2, day.Subsampled, 15);
        Assert.Equal(bv, day.Bipower, 15);
        Assert.Equal(Math.Max(rv - bv, 0), day.Jump, 15);
        Assert.Throws<ArgumentException>(() => RealizedMeasures.Realized(events, interval: 300, step: 400, from: 0, to: 1200));
    }

    [Fact]
    public void Rolls_spread_and_kyles_lambda_equal_the_hand_computation()
    {
        // Prices 10, 10.10, 10.00, 10.10, 10.05, 10.10: changes .10 -.10 .10 -.05 .05; the pairs (previous, next) give
        // mean product (-.01 -.01 -.005 -.0025)/4 = -.006875, means .0125 and 0: autocovariance -.006875.
        var prices = new[] { 10, 10.1, 10, 10.1, 10.05, 10.1 };
        var roll = RealizedMeasures.Roll([.. prices.Select((p, k) => Trade(10 + k, p, 1, 100, 10.05))], from: 0, to: 100);
        Assert.Equal(5, roll.Changes);
        Assert.Equal(-0.006875, roll.Autocovariance, 12);
        Assert.Equal(2 * Math.Sqrt(0.006875), roll.Spread!.Value, 12);

        // Four 100 s intervals: signed shares +500, -200, +1,000, 0 and midquote changes 0.02 + 0.001 x shares exactly.
        var signedShares = new[] { 500, -200, 1000, 0 };
        var events = new List<LobsterEvent> { Quote(0, 50) };
        var mid = 50.0;
        for (var k = 0; k < signedShares.Length; k++)
        {
            if (signedShares[k] != 0)
            {
                events.Add(Trade((k * 100) + 40, mid, Math.Sign(signedShares[k]), Math.Abs(signedShares[k]), mid));
            }

            mid += 0.02 + (0.001 * signedShares[k]);
            events.Add(Quote((k * 100) + 60, mid));
        }

        var kyle = RealizedMeasures.Kyle(events, interval: 100, from: 0, to: 400);
        Assert.Equal(4, kyle.Intervals);
        Assert.Equal(0.001, kyle.Lambda, 12);
        Assert.Equal(1, kyle.RSquared, 12);
    }

    [Fact]
    public void The_realized_variance_of_the_aapl_sample_equals_a_second_computation_from_the_raw_lines()
    {
        var file = Path.Combine(TestEnvironment.RequireRealData(), "lobster", "AAPL_2012-06-21_34200000_57600000_message_1.csv");
        var day = LobsterDay.Read(file);
        var book = File.ReadAllLines(file.Replace("_message_", "_orderbook_", StringComparison.Ordinal)).Select(l => l.Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var times = File.ReadAllLines(file).Select(l => double.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        double Mid(double t)
        {
            var at = Array.BinarySearch(times, t);
            var j = at >= 0 ? at : ~at - 1;
            while (j + 1 < times.Length && times[j + 1] == t)
            {
                j++;
            }

            j = Math.Max(j, 0); // 09:30:00 itself comes before the first event: the first quote stands for it
            return (book[j][0] + book[j][2]) / 2 / 10_000;
        }

        var grid = Enumerable.Range(0, 79).Select(k => 34_200 + (300.0 * k)).ToArray(); // 09:30 to 16:00 every 5 minutes
        var rv = 0.0;
        for (var k = 1; k < grid.Length; k++)
        {
            var r = Math.Log(Mid(grid[k]) / Mid(grid[k - 1]));
            rv += r * r;
        }

        var measured = RealizedMeasures.Realized(day.Events);
        Assert.Equal(78, measured.Returns);
        Assert.Equal(rv, measured.Variance, 14);
        Assert.InRange(Math.Sqrt(252 * measured.Variance), 0.05, 1.5); // an annualised volatility a stock can have
        Assert.InRange(measured.Subsampled / measured.Variance, 0.3, 3);
    }
}
