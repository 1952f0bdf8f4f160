using System.Globalization;
using Research.Analytics.Microstructure;
using Research.Testing;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// The real LOBSTER sample (NASDAQ, 2012-06-21, level 1): one-minute bars, quoted spreads and depth, effective and
/// realized spreads and price impact, each equal to a second computation written here from the raw lines by other means
/// (grouping instead of streaming, binary search instead of a moving pointer); and bad files refused by file and line.
/// </summary>
public sealed class LobsterMeasuresTests
{
    private static string File(string symbol) =>
        Path.Combine(TestEnvironment.RequireRealData(), "lobster", $"{symbol}_2012-06-21_34200000_57600000_message_1.csv");

    /// <summary>The raw lines, parsed the plain way: (time, type, size, price $, direction) and (ask $, ask size, bid $, bid size), dummies as NaN.</summary>
    private static (double T, int Type, int Size, double P, int Dir, double Ask, double AskSize, double Bid, double BidSize)[] Raw(string messageFile)
    {
        var messages = System.IO.File.ReadAllLines(messageFile);
        var book = System.IO.File.ReadAllLines(messageFile.Replace("_message_", "_orderbook_", StringComparison.Ordinal));
        Assert.Equal(messages.Length, book.Length);
        return [.. messages.Zip(book, (m, b) =>
        {
            var f = m.Split(',');
            var o = b.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            double Price(double x) => Math.Abs(x) >= 9_999_999_999 ? double.NaN : x / 10_000;
            return (double.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture),
                double.Parse(f[4], CultureInfo.InvariantCulture) / 10_000, int.Parse(f[5], CultureInfo.InvariantCulture), Price(o[0]), o[1], Price(o[2]), o[3]);
        })];
    }

    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData("AAPL")]
    [InlineData("GOOG")]
    public void Minute_bars_spreads_and_depth_equal_an_independent_computation_from_the_raw_lines(string symbol)
    {
        var day = LobsterDay.Read(File(symbol));
        Assert.Equal(symbol, day.Symbol);
        Assert.Equal(new DateOnly(2012, 6, 21), day.Date);
        var raw = Raw(File(symbol));
        Assert.Equal(raw.Length, day.Events.Count);

        // Bars: executions (4, 5) in 09:30-16:00 grouped by minute.
        var executions = raw.Where(r => r.Type is 4 or 5 && r.T >= 34_200 && r.T < 57_600 && r.Size > 0).ToArray();
        var expected = executions.GroupBy(r => (int)(r.T / 60)).OrderBy(g => g.Key).Select(g => (Start: g.Key * 60, Open: g.First().P, High: g.Max(r => r.P), Low: g.Min(r => r.P),
            Close: g.Last().P, Volume: g.Sum(r => (long)r.Size), Vwap: g.Sum(r => r.Size * r.P) / g.Sum(r => (double)r.Size), Trades: g.Count())).ToArray();
        var bars = IntradayMeasures.Bars(day.Events);
        Assert.Equal(expected.Length, bars.Count);
        Assert.True(bars.Count > 300, $"{bars.Count} minutes with trades");
        for (var i = 0; i < bars.Count; i++)
        {
            var (e, b) = (expected[i], bars[i]);
            Assert.Equal((e.Start, e.Open, e.High, e.Low, e.Close, e.Volume, e.Trades), (b.Start, b.Open, b.High, b.Low, b.Close, b.Volume, b.Trades));
            Near(e.Vwap, b.Vwap, $"VWAP of minute {e.Start}");
        }

        // Quoted spread and depth, weighted by how long each book stood (the last to the close).
        double seconds = 0, spread = 0, relative = 0, bid = 0, ask = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var dt = Math.Min(i + 1 < raw.Length ? raw[i + 1].T : 57_600, 57_600) - Math.Max(raw[i].T, 34_200);
            if (dt > 0 && !double.IsNaN(raw[i].Ask) && !double.IsNaN(raw[i].Bid))
            {
                seconds += dt;
                spread += dt * (raw[i].Ask - raw[i].Bid);
                relative += dt * (raw[i].Ask - raw[i].Bid) * 2 / (raw[i].Ask + raw[i].Bid);
                bid += dt * raw[i].BidSize;
                ask += dt * raw[i].AskSize;
            }
        }

        var s = IntradayMeasures.Spreads(day.Events, horizon: 300);
        Near(seconds, s.QuotedSeconds, "quoted seconds");
        Near(spread / seconds, s.QuotedSpread, "quoted spread");
        Near(relative / seconds, s.RelativeQuotedSpread, "relative quoted spread");
        Near(bid / seconds, s.BidDepth, "bid depth");
        Near(ask / seconds, s.AskDepth, "ask depth");
        Assert.InRange(s.QuotedSpread, 0.01, 1.0); // a cent or more, under a dollar for these stocks

        // Effective, realized and impact: the midpoint before from the row above; the one 5 minutes later by binary search.
        var times = raw.Select(r => r.T).ToArray();
        double shares = 0, effective = 0, subShares = 0, subEffective = 0, realized = 0, impact = 0;
        var trades = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var r = raw[i];
            if (r.Type is not (4 or 5) || r.T < 34_200 || r.T >= 57_600 || r.Size <= 0)
            {
                continue;
            }

            trades++;
            var m = i == 0 ? double.NaN : (raw[i - 1].Ask + raw[i - 1].Bid) / 2; // the day's first event has no book before it
            if (double.IsNaN(m))
            {
                continue;
            }

            var q = -r.Dir;
            shares += r.Size;
            effective += r.Size * 2 * q * (r.P - m) / m;
            if (r.T + 300 >= 57_600)
            {
                continue;
            }

            var at = Array.BinarySearch(times, r.T + 300);
            var j = at >= 0 ? at : ~at - 1;
            while (j + 1 < times.Length && times[j + 1] == r.T + 300)
            {
                j++;
            }

            var later = (raw[j].Ask + raw[j].Bid) / 2;
            if (double.IsNaN(later))
            {
                continue;
            }

            subShares += r.Size;
            subEffective += r.Size * 2 * q * (r.P - m) / m;
            realized += r.Size * 2 * q * (r.P - later) / m;
            impact += r.Size * 2 * q * (later - m) / m;
        }

        Assert.Equal(trades, s.Trades);
        Near(effective / shares, s.RelativeEffectiveSpread, "relative effective spread");
        Near(realized / subShares, s.RelativeRealizedSpread, "relative realized spread");
        Near(impact / subShares, s.RelativePriceImpact, "relative price impact");
        Near(subEffective / subShares, s.RelativeRealizedSpread + s.RelativePriceImpact, "effective = realized + impact on the same trades");
    }

    [Fact]
    public void A_bad_line_or_files_of_different_length_are_refused_by_file_and_line()
    {
        using var dir = TestEnvironment.CreateTempDirectory("lobster-bad");
        var source = File("AMZN");
        var messages = System.IO.File.ReadAllLines(source).Take(50).ToArray();
        var book = System.IO.File.ReadAllLines(source.Replace("_message_", "_orderbook_", StringComparison.Ordinal)).Take(50).ToArray();
        var message = Path.Combine(dir.Path, "AMZN_2012-06-21_34200000_57600000_message_1.csv");
        var orderbook = message.Replace("_message_", "_orderbook_", StringComparison.Ordinal);

        System.IO.File.WriteAllLines(message, messages);
        System.IO.File.WriteAllLines(orderbook, book.Take(49));
        Assert.Contains("ends at line 49", Assert.Throws<InvalidDataException>(() => LobsterDay.Read(message)).Message, StringComparison.Ordinal);

        messages[9] = messages[9].Replace(',', ';');
        System.IO.File.WriteAllLines(orderbook, book);
        System.IO.File.WriteAllLines(message, messages);
        Assert.Contains("line 10: 1 fields, a message has 6", Assert.Throws<InvalidDataException>(() => LobsterDay.Read(message)).Message, StringComparison.Ordinal);

        Assert.Contains("not a LOBSTER message file name", Assert.Throws<ArgumentException>(() => LobsterDay.Read(Path.Combine(dir.Path, "prices.csv"))).Message, StringComparison.Ordinal);
        System.IO.File.Delete(orderbook);
        Assert.Contains("no such file", Assert.Throws<FileNotFoundException>(() => LobsterDay.Read(message)).Message, StringComparison.Ordinal);
    }
}
