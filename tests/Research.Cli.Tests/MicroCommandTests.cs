using System.Text.Json;
using Research.Analytics.Microstructure;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research micro spreads|bars --lobster</c> on the real LOBSTER sample: the JSON and the CSV carry the library's numbers; bad input refused by name.</summary>
public sealed class MicroCommandTests
{
    [Fact]
    public async Task Spreads_and_bars_of_a_lobster_day_are_the_librarys_and_bad_input_is_refused()
    {
        var file = Path.Combine(TestEnvironment.RequireRealData(), "lobster", "AMZN_2012-06-21_34200000_57600000_message_1.csv");
        var day = LobsterDay.Read(file);
        var expected = IntradayMeasures.Spreads(day.Events, 60);
        var (code, output, error) = await CliRunner.RunAsync("micro", "spreads", "--lobster", file, "--horizon", "60", "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var root = json.RootElement;
            Assert.Equal("AMZN", root.GetProperty("symbol").GetString());
            Assert.Equal(expected.QuotedSpread, root.GetProperty("quotedSpread").GetDouble());
            Assert.Equal(expected.RelativeEffectiveSpread * 1e4, root.GetProperty("relativeEffectiveSpreadBps").GetDouble());
            Assert.Equal(expected.RelativePriceImpact * 1e4, root.GetProperty("relativePriceImpactBps").GetDouble());
            Assert.Equal(expected.Trades, root.GetProperty("trades").GetInt32());
        }

        using var dir = TestEnvironment.CreateTempDirectory("cli-micro");
        var csv = Path.Combine(dir.Path, "bars.csv");
        (code, _, error) = await CliRunner.RunAsync("micro", "bars", "--lobster", file, "--out", csv);
        Assert.True(code == 0, error);
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        var bars = IntradayMeasures.Bars(day.Events);
        Assert.Equal("minute,open,high,low,close,volume,vwap,trades", lines[0]);
        Assert.Equal(bars.Count + 1, lines.Length);
        Assert.StartsWith("2012-06-21 09:30,", lines[1], StringComparison.Ordinal);
        Assert.Equal(bars.Sum(b => b.Volume), lines.Skip(1).Sum(l => long.Parse(l.Split(',')[5], System.Globalization.CultureInfo.InvariantCulture)));

        (code, _, error) = await CliRunner.RunAsync("micro", "spreads", "--lobster", Path.Combine(dir.Path, "AMZN_2012-06-21_34200000_57600000_message_1.csv"));
        Assert.Equal(1, code);
        Assert.Contains("--lobster: ", error, StringComparison.Ordinal);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("micro", "spreads", "--lobster", file, "--horizon", "-5");
        Assert.Equal(2, code);
        Assert.Contains("--horizon", error, StringComparison.Ordinal);

        // Realized variance: the library's on the default grid, and a step longer than the interval refused by name.
        var realized = RealizedMeasures.Realized(day.Events);
        (code, output, error) = await CliRunner.RunAsync("micro", "rv", "--lobster", file, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(realized.Variance, json.RootElement.GetProperty("variance").GetDouble());
            Assert.Equal(realized.Bipower, json.RootElement.GetProperty("bipower").GetDouble());
            Assert.Equal(78, json.RootElement.GetProperty("returns").GetInt32());
        }

        (code, _, error) = await CliRunner.RunAsync("micro", "rv", "--lobster", file, "--step", "120", "--interval", "60");
        Assert.Equal(1, code);
        Assert.Contains("--step (120 s) must not exceed --interval (60 s)", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("micro", "rv", "--lobster", file, "--step", "120");
        Assert.True(code == 0, error);

        // The warehouse pattern needs the TAQ datasets, and says so.
        (code, _, error) = await CliRunner.RunAsync("micro", "pattern", "--data-root", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("taq/trades is not in the warehouse", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("micro", "pattern", "--data-root", dir.Path, "--buckets", "0");
        Assert.Equal(2, code);
        Assert.Contains("--buckets", error, StringComparison.Ordinal);
    }
}
