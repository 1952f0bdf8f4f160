using System.Text.Json;
using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research micro har|vpin|amihud</c> on a small synthetic warehouse with 60 days of one symbol's ticks: the library's numbers, bad input named.</summary>
public sealed class MicroWarehouseCommandTests
{
    [Fact]
    public async Task Har_vpin_and_amihud_of_the_warehouse_are_the_librarys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("cli-micro-taq");
        var root = dir.Combine("data");
        var layout = new WarehouseLayout(root);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 12, Years = 1, EndYear = 2024, Seed = 17, IntradaySymbols = 1, IntradayDays = 60, IntradayTradeSize = 5_000 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "taq/trades", "taq/quotes", "crsp/daily", "crsp/names" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        List<TickDay> days;
        using (var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        {
            days = [.. TaqTicks.Read(session, cancellationToken: ct)];
        }

        Assert.Equal(60, days.Count);
        var symbol = days[0].Symbol;
        var rv = days.Select(d => RealizedMeasures.Realized(d.Events, 300, 60, d.Open, d.Close).Variance).ToArray();
        var evaluation = HarModel.Evaluate([.. days.Select(d => d.Date)], rv, 40);
        var (code, output, error) = await CliRunner.RunAsync("micro", "har", "--symbol", symbol, "--train", "40", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(evaluation.HarQlike, json.RootElement.GetProperty("harQlike").GetDouble());
            Assert.Equal(evaluation.NaiveMse, json.RootElement.GetProperty("naiveMse").GetDouble());
            Assert.Equal(20, json.RootElement.GetProperty("tested").GetInt32());
        }

        var bars = Vpin.Bars(days);
        var adv = days.Sum(d => d.Events.Where(e => e.IsExecution).Sum(e => (double)e.Size)) / days.Count;
        var vpin = Vpin.Measure(bars, adv);
        (code, output, error) = await CliRunner.RunAsync("micro", "vpin", "--symbol", symbol, "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var summary = json.RootElement.GetProperty("summary");
            Assert.Equal(vpin.Values.Average(), summary.GetProperty("mean").GetDouble(), 12);
            Assert.Equal(vpin.Buckets.Count, summary.GetProperty("buckets").GetInt32());
            Assert.InRange(summary.GetProperty("mean").GetDouble(), 0.01, 0.5);
        }

        (code, output, error) = await CliRunner.RunAsync("micro", "amihud", "--from", "2024-01-01", "--to", "2024-12-31", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.True(json.RootElement.GetProperty("securities").GetArrayLength() >= 10);
            Assert.All(json.RootElement.GetProperty("securities").EnumerateArray(), s => Assert.True(s.GetProperty("illiquidity").GetDouble() > 0));
        }

        foreach (var (args, exit, text) in new (string[] Args, int Exit, string Text)[]
        {
            (["micro", "har", "--symbol", "NOPE"], 1, $"--symbol NOPE: no TAQ ticks in the warehouse (symbols there: {symbol})"),
            (["micro", "har", "--symbol", symbol, "--train", "55"], 1, "--train 55: " + symbol + " has 60 day(s)"),
            (["micro", "har", "--symbol", symbol, "--train", "5"], 2, "--train"),
            (["micro", "vpin", "--symbol", symbol, "--window", "100000"], 2, "--window"),
            (["micro", "vpin", "--symbol", symbol, "--window", "5000"], 1, "fewer than the window of 5000"),
            (["micro", "amihud", "--from", "2024-12-31", "--to", "2024-01-01"], 2, "--from"),
            (["micro", "vpin"], 2, "--symbol"),
        })
        {
            (code, _, error) = await CliRunner.RunAsync([.. args, "--data-root", root]);
            Assert.True(code == exit, $"{string.Join(' ', args)}: exit {code}, {error}");
            Assert.Contains(text, error, StringComparison.Ordinal);
        }

        (code, _, error) = await CliRunner.RunAsync("micro", "vpin", "--symbol", symbol, "--data-root", dir.Combine("empty"));
        Assert.Equal(1, code);
        Assert.Contains("taq/trades is not in the warehouse", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_taq_benchmark_runs_small_and_its_two_computations_agree()
    {
        // The command refuses to report speeds when the platform's bars and RV differ from DuckDB's; a small run must pass.
        var (code, output, error) = await CliRunner.RunAsync("bench", "taq", "--stocks", "12", "--trade-size", "2000", "--vpin-stocks", "10", "--vpin-days", "3", "--repeat", "1", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.True(root.GetProperty("symbolDays").GetInt32() >= 5);
        Assert.True(root.GetProperty("largestRvDifference").GetDouble() <= 1e-9);
        Assert.True(root.GetProperty("trades").GetInt64() > 0 && root.GetProperty("quotes").GetInt64() > 0);
        Assert.True(root.GetProperty("vpinStockDays").GetInt32() >= 10);
        (code, _, error) = await CliRunner.RunAsync("bench", "taq", "--stocks", "5");
        Assert.Equal(2, code);
        Assert.Contains("--stocks", error, StringComparison.Ordinal);
    }
}
