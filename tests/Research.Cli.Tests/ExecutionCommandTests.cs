using System.Text.Json;
using Research.Analytics.Execution;
using Research.Analytics.Microstructure;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research execution analyze</c>: the curriculum's worked example in basis points, a LOBSTER day's benchmarks as the library's, bad input named.</summary>
public sealed class ExecutionCommandTests
{
    [Fact]
    public async Task Shortfall_and_benchmarks_are_the_librarys_and_bad_input_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("cli-execution");
        var orders = dir.Combine("orders.csv");
        var fills = dir.Combine("fills.csv");
        await File.WriteAllTextAsync(orders, "order,symbol,side,quantity,decision_price,cancel_price\nIR,IMPR,buy,1000,10.00,10.08\nTRP,TRP,sell,50000,43.00,\n", ct);
        await File.WriteAllTextAsync(fills, "order,date,quantity,price,fees,benchmark\nIR,2024-03-06,700,10.00,14,10.05\nTRP,2024-03-06,50000,40.25,2500,41.00\n", ct);
        var (code, output, error) = await CliRunner.RunAsync("execution", "analyze", "--orders", orders, "--fills", fills, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var ir = json.RootElement.GetProperty("orders")[0];
            Assert.Equal(38, ir.GetProperty("totalBps").GetDouble(), 9);
            Assert.Equal(35, ir.GetProperty("delayBps").GetDouble(), 9);
            Assert.Equal(-35, ir.GetProperty("tradingBps").GetDouble(), 9);
            Assert.Equal(24, ir.GetProperty("opportunityBps").GetDouble(), 9);
            Assert.Equal(14, ir.GetProperty("explicitBps").GetDouble(), 9);
            Assert.Equal(140_000, json.RootElement.GetProperty("orders")[1].GetProperty("totalDollars").GetDouble(), 6);
            Assert.Equal(140_038, json.RootElement.GetProperty("total").GetProperty("totalDollars").GetDouble(), 6);
        }

        (code, output, error) = await CliRunner.RunAsync("execution", "analyze", "--orders", orders, "--fills", fills);
        Assert.True(code == 0, error);
        Assert.Contains("All 2 orders: implementation shortfall", output, StringComparison.Ordinal);

        // A buy of AAPL worked from 10:00 to 10:10 on the LOBSTER day: benchmarks over that interval, as the library has them.
        var lobster = Path.Combine(TestEnvironment.RequireRealData(), "lobster", "AAPL_2012-06-21_34200000_57600000_message_1.csv");
        var day = LobsterDay.Read(lobster);
        await File.WriteAllTextAsync(orders, "order,symbol,side,quantity,decision_price,start,end\nA1,AAPL,buy,3000,585.00,10:00:00,10:10:00\n", ct);
        await File.WriteAllTextAsync(fills, "order,date,time,quantity,price,fees\nA1,2012-06-21,10:02:00,1000,585.10,5\nA1,2012-06-21,10:08:30,2000,585.40,10\n", ct);
        (code, output, error) = await CliRunner.RunAsync("execution", "analyze", "--orders", orders, "--fills", fills, "--lobster", lobster, "--json");
        Assert.True(code == 0, error);
        var b = ExecutionBenchmarks.FromTicks(day.Events, 36_000, 36_600);
        var average = ((1000 * 585.10) + (2000 * 585.40)) / 3000;
        using (var json = JsonDocument.Parse(output))
        {
            var a1 = json.RootElement.GetProperty("orders")[0];
            Assert.Equal(ExecutionBenchmarks.SlippageBps(ExecutionSide.Buy, average, b.Vwap), a1.GetProperty("vwapBps").GetDouble(), 9);
            Assert.Equal(ExecutionBenchmarks.SlippageBps(ExecutionSide.Buy, average, b.Arrival), a1.GetProperty("arrivalBps").GetDouble(), 9);
            Assert.Equal(ExecutionBenchmarks.SlippageBps(ExecutionSide.Buy, average, b.Twap), a1.GetProperty("twapBps").GetDouble(), 9);
            Assert.Equal(3000.0 / b.MarketVolume, a1.GetProperty("participation").GetDouble(), 12);
            Assert.Equal("10:00:00-10:10:00", a1.GetProperty("interval").GetString());
        }

        // Bad input, each named.
        await File.WriteAllTextAsync(dir.Combine("o-noside.csv"), "order,symbol,quantity,decision_price\nX,AAPL,10,1\n", ct);
        await File.WriteAllTextAsync(dir.Combine("o-side.csv"), "order,symbol,side,quantity,decision_price\nX,AAPL,hold,10,1\n", ct);
        await File.WriteAllTextAsync(dir.Combine("o-open.csv"), "order,symbol,side,quantity,decision_price\nX,AAPL,buy,10,585\n", ct);
        await File.WriteAllTextAsync(dir.Combine("f-x.csv"), "order,date,quantity,price\nX,2012-06-21,5,585.1\n", ct);
        await File.WriteAllTextAsync(dir.Combine("f-y.csv"), "order,date,quantity,price\nY,2012-06-21,5,585.1\n", ct);
        await File.WriteAllTextAsync(dir.Combine("f-neg.csv"), "order,date,quantity,price\nX,2012-06-21,-5,585.1\n", ct);
        await File.WriteAllTextAsync(dir.Combine("f-day.csv"), "order,date,time,quantity,price\nX,2012-06-22,10:00:00,10,585.1\n", ct);
        foreach (var (args, text) in new (string[] Args, string Text)[]
        {
            (["--orders", dir.Combine("o-noside.csv"), "--fills", dir.Combine("f-x.csv")], "--orders: " + dir.Combine("o-noside.csv") + ": column 'side' is missing"),
            (["--orders", dir.Combine("o-side.csv"), "--fills", dir.Combine("f-x.csv")], "line 2, column side: 'hold' is not buy or sell"),
            (["--orders", dir.Combine("o-open.csv"), "--fills", dir.Combine("f-x.csv")], "Order X: 5 shares were not filled"),
            (["--orders", dir.Combine("o-open.csv"), "--fills", dir.Combine("f-y.csv")], "--fills: a fill of order 'Y'"),
            (["--orders", dir.Combine("o-open.csv"), "--fills", dir.Combine("f-neg.csv")], "line 2, column quantity: '-5' is not a positive number"),
            (["--orders", dir.Combine("o-open.csv"), "--fills", dir.Combine("f-day.csv"), "--lobster", lobster], "--lobster is AAPL on 2012-06-21; order X is AAPL with fills on 2012-06-22"),
        })
        {
            (code, _, error) = await CliRunner.RunAsync(["execution", "analyze", .. args]);
            Assert.True(code == 1, $"{string.Join(' ', args)}: exit {code}, {error}");
            Assert.Contains(text, error, StringComparison.Ordinal);
        }

        (code, _, error) = await CliRunner.RunAsync("execution", "analyze", "--orders", orders);
        Assert.Equal(2, code);
        Assert.Contains("--fills", error, StringComparison.Ordinal);
    }
}
