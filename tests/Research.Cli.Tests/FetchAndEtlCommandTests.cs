using System.Text.Json;
using Research.Data.Providers.Crsp;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research fetch</c> and <c>research etl</c> against the Yahoo stub serving recorded responses.</summary>
public sealed class FetchAndEtlCommandTests : IDisposable
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("fetch-cli");

    public void Dispose() => _dir.Dispose();

    private string Root => _dir.Combine("warehouse");

    [Fact]
    public async Task Fetch_says_who_served_each_symbol_and_a_rerun_comes_from_the_cache()
    {
        await using var stub = new YahooStub()
            .Tape("AAPL", YahooStub.Recorded("chart-AAPL-2020-08-31-to-2020-11-07.json"))
            .Tape("MSFT", YahooStub.Recorded("historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json"));
        string[] args = ["fetch", "--symbols", "aapl,NOPE", "--from", "2020-08-31", "--to", "2020-11-06", "--source", "yahoo,cache", "--yahoo-url", stub.Address.ToString(), "--data-root", Root];
        var (code, output, error) = await CliRunner.RunAsync([.. args, "--json"]);
        Assert.True(code == 1, error); // NOPE fails: the command says so and exits 1
        Assert.Contains("1 of 2 symbol(s) could not be fetched", error, StringComparison.Ordinal);
        Assert.Contains("No provider had NOPE", error, StringComparison.Ordinal);
        Assert.Contains("warning: Yahoo data is for development only", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        var aapl = json.RootElement.GetProperty("symbols")[0];
        Assert.Equal(("AAPL", 49), (aapl.GetProperty("symbol").GetString(), aapl.GetProperty("bars").GetArrayLength()));
        Assert.Equal("yahoo", aapl.GetProperty("sources")[0].GetProperty("source").GetString());
        Assert.Equal(0.205, aapl.GetProperty("bars")[48].GetProperty("dividend").GetDouble());
        Assert.Equal(4, aapl.GetProperty("bars")[0].GetProperty("splitRatio").GetDouble());
        Assert.Equal("NOPE", json.RootElement.GetProperty("failed")[0].GetProperty("symbol").GetString());

        var requests = stub.Requests.Count;
        var csv = _dir.Combine("aapl.csv");
        (code, output, error) = await CliRunner.RunAsync("fetch", "--symbols", "AAPL", "--from", "2020-09-01", "--to", "2020-11-06", "--source", "yahoo", "--yahoo-url", stub.Address.ToString(), "--data-root", Root, "--csv", csv);
        Assert.True(code == 0, error);
        Assert.Equal(requests, stub.Requests.Count); // from the cache
        Assert.Contains("yahoo (cached) 2020-09-01..2020-11-06 (48)", output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        Assert.Equal(49, lines.Length);
        Assert.StartsWith("AAPL,2020-11-06,yahoo,USD,", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Etl_run_loads_a_version_the_views_read_and_a_rerun_with_nothing_new_publishes_nothing()
    {
        await using var stub = new YahooStub()
            .Tape("MSFT", YahooStub.Recorded("historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json"))
            .Tape("NVDA", YahooStub.Recorded("historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json"));
        string[] args = ["etl", "run", "--dataset", "yahoo/daily", "--symbols", "MSFT,NVDA", "--from", "2021-02-01", "--to", "2022-01-28", "--yahoo-url", stub.Address.ToString(), "--data-root", Root];
        var (code, output, error) = await CliRunner.RunAsync([.. args, "--json"]);
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(2 * 252, json.RootElement.GetProperty("newRows").GetInt32());
            Assert.Equal("2022-01-28", json.RootElement.GetProperty("watermark").GetString());
        }

        (code, output, error) = await CliRunner.RunAsync("query", "SELECT symbol, count(*) AS n, count(split_ratio) AS splits, count(dividend) AS dividends FROM yahoo.daily GROUP BY symbol ORDER BY symbol", "--data-root", Root, "--json");
        Assert.True(code == 0, error);
        using (var rows = JsonDocument.Parse(output))
        {
            var msft = rows.RootElement.GetProperty("rows")[0];
            var nvda = rows.RootElement.GetProperty("rows")[1];
            static (string?, int, int, int) Of(JsonElement row) => (row[0].GetString(), row[1].GetInt32(), row[2].GetInt32(), row[3].GetInt32());
            Assert.Equal(("MSFT", 252, 0, 4), Of(msft));
            Assert.Equal(("NVDA", 252, 1, 0), Of(nvda)); // the recorded NVDA answer asked for splits only
        }

        var requests = stub.Requests.Count;
        (code, output, error) = await CliRunner.RunAsync(args);
        Assert.True(code == 0, error);
        Assert.Contains("yahoo/daily: nothing new after 2022-01-28; nothing published.", output, StringComparison.Ordinal);
        Assert.Equal(requests, stub.Requests.Count);

        (code, output, error) = await CliRunner.RunAsync("etl", "status", "--symbols", "--data-root", Root);
        Assert.True(code == 0, error);
        Assert.Contains("nothing new", output, StringComparison.Ordinal);
        Assert.Contains("2022-01-28", output, StringComparison.Ordinal);
        Assert.Contains("NVDA", output, StringComparison.Ordinal);
        (code, output, _) = await CliRunner.RunAsync("versions", "list", "--dataset", "yahoo/daily", "--data-root", Root, "--json");
        Assert.Equal(0, code);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Reconcile_reports_Yahoo_against_the_warehouses_CRSP()
    {
        var ct = TestContext.Current.CancellationToken;
        var layout = new WarehouseLayout(Root);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 30, Years = 1, Seed = 8, IntradaySymbols = 0 });
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting" })
        {
            await new SyncManager(layout, TimeProvider.System).SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        string ticker;
        string tape;
        using (var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        {
            var crsp = CrspMarketData.Warehouse(session);
            ticker = (await crsp.UniverseAsync(new DateOnly(2024, 12, 31), ct))[0];
            tape = YahooStub.AsYahooShowsIt(ticker, (await crsp.DailyAsync(ticker, new DateOnly(2024, 1, 2), new DateOnly(2024, 12, 31), ct)).Bars);
        }

        await using var stub = new YahooStub().Tape(ticker, tape);
        string[] args = ["reconcile", "--symbols", ticker, "--from", "2024-01-02", "--to", "2024-12-31", "--yahoo-url", stub.Address.ToString(), "--data-root", Root];
        var (code, output, error) = await CliRunner.RunAsync([.. args, "--json"]);
        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(output).RootElement.GetProperty("reports")[0];
        Assert.True(report.GetProperty("agrees").GetBoolean(), output);
        Assert.True(report.GetProperty("returnCorrelation").GetDouble() > 0.9999);

        (code, output, error) = await CliRunner.RunAsync([.. args]);
        Assert.True(code == 0, error);
        Assert.Contains($"│ {ticker}", output, StringComparison.Ordinal);
        Assert.Contains("Tolerances: returns 0.1%", output, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("reconcile", "--symbols", "NOPE", "--from", "2024-01-02", "--to", "2024-12-31", "--yahoo-url", stub.Address.ToString(), "--data-root", Root);
        Assert.Equal(1, code);
        Assert.Contains("NOPE: No security carried the ticker NOPE", error, StringComparison.Ordinal);
    }
}
