using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// <c>research wrds fake-load</c> with TAQ, then <c>research taq sync|query|bars|status</c> through the real WRDS client: the
/// estimate is shown first and nothing is written with <c>--estimate</c>; a query of days not local is refused above the
/// limit after its estimate; a sync fills tiers 1 and 3; bad values are named.
/// </summary>
public sealed class TaqCommandTests
{
    [Fact]
    public async Task Taq_sync_query_and_bars_through_the_real_client_estimate_first_and_refuse_above_the_limit()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        using var dir = TestEnvironment.CreateTempDirectory("cli-taq");
        var root = dir.Combine("data");
        var (code, output, error) = await CliRunner.RunAsync("wrds", "fake-load", "--connection-string", db.ConnectionString, "--stocks", "30", "--years", "1", "--taq-symbols", "3", "--taq-days", "2", "--json");
        Assert.True(code == 0, error);
        var tables = JsonDocument.Parse(output).RootElement.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("taqm_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(8, tables.Count);
        var days = tables.Where(t => t.Contains(".ctm_", StringComparison.Ordinal)).Select(t => DateOnly.ParseExact(t[^8..], "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        var (from, to) = (days[0].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), days[1].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var symbol = await db.TextAsync($"SELECT min(sym_root) FROM taqm_{days[0].Year}.mastm_{days[0]:yyyyMMdd}");

        var secrets = dir.Combine("wrds.json");
        await File.WriteAllTextAsync(secrets, """{"Username": "postgres", "Password": "unused"}""", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var server = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Password = null, SslMode = Npgsql.SslMode.Disable, Pooling = false }.ConnectionString;
        string[] Wrds(params string[] args) => [.. args, "--wrds", server, "--secrets", secrets, "--data-root", root];

        // --estimate: the estimate, nothing written.
        (code, output, error) = await CliRunner.RunAsync(Wrds("taq", "sync", "--from", from, "--to", to, "--estimate", "--json"));
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(2, json.RootElement.GetProperty("days").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("rows").GetInt64() > 1_000);
            Assert.False(json.RootElement.GetProperty("overLimit").GetBoolean());
        }

        Assert.False(Directory.Exists(Path.Combine(root, "taq")));

        // A query of days not local: the estimate first, then refused above the limit; nothing written.
        (code, _, error) = await CliRunner.RunAsync(Wrds("taq", "query", "--symbol", symbol, "--from", from, "--to", to, "--max-rows", "100"));
        Assert.Equal(1, code);
        var estimateAt = error.IndexOf("estimate:", StringComparison.Ordinal);
        var refusedAt = error.IndexOf("refused:", StringComparison.Ordinal);
        Assert.True(estimateAt >= 0 && refusedAt > estimateAt, error);
        Assert.Contains("above the limit of 100", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "taq")));

        // The sync: tier 3 and tier 1; then bars from tier 1 and a query answered locally.
        (code, output, error) = await CliRunner.RunAsync(Wrds("taq", "sync", "--from", from, "--to", to, "--json"));
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(["taq/trades", "taq/quotes", "taq/bars_1m", "taq/daily_rv", "taq/daily_spread"], json.RootElement.EnumerateArray().Select(e => e.GetProperty("dataset").GetString()));
            Assert.All(json.RootElement.EnumerateArray(), e => Assert.Equal("passed", e.GetProperty("validation").GetString()));
        }

        (code, output, error) = await CliRunner.RunAsync("taq", "bars", "--symbol", symbol, "--date", to, "--data-root", root, "--json");
        Assert.True(code == 0, error);
        List<(string Minute, double Close, double Vwap, long Volume)> bars;
        using (var json = JsonDocument.Parse(output))
        {
            Assert.InRange(json.RootElement.GetProperty("bars").GetArrayLength(), 300, 390);
            Assert.True(json.RootElement.GetProperty("realizedVariance5m").GetDouble() > 0);
            bars = [.. json.RootElement.GetProperty("bars").EnumerateArray().Select(b => (b.GetProperty("minute").GetString()!, b.GetProperty("close").GetDouble(), b.GetProperty("vwap").GetDouble(), b.GetProperty("volume").GetInt64()))];
        }

        // Execution benchmarks from tier 1: a buy filled at 10:05 against the VWAP of the bars 10:00-10:09.
        var window = bars.Where(b => string.CompareOrdinal(b.Minute, "10:00") >= 0 && string.CompareOrdinal(b.Minute, "10:09") <= 0).ToList();
        var vwap = window.Sum(b => b.Vwap * b.Volume) / window.Sum(b => b.Volume);
        var fillPrice = Math.Round(bars.First(b => b.Minute == "10:05").Close, 2);
        await File.WriteAllTextAsync(dir.Combine("orders.csv"), $"order,symbol,side,quantity,decision_price,start,end\nO1,{symbol},buy,1000,{fillPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)},10:00:00,10:09:30\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(dir.Combine("fills.csv"), $"order,date,quantity,price,time\nO1,{to},1000,{fillPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)},10:05:00\n", TestContext.Current.CancellationToken);
        (code, output, error) = await CliRunner.RunAsync("execution", "analyze", "--orders", dir.Combine("orders.csv"), "--fills", dir.Combine("fills.csv"), "--taq", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var order = json.RootElement.GetProperty("orders")[0];
            Assert.Equal((fillPrice - vwap) / vwap * 1e4, order.GetProperty("vwapBps").GetDouble(), 9);
            Assert.Equal(1000.0 / window.Sum(b => b.Volume), order.GetProperty("participation").GetDouble(), 12);
        }

        var csv = dir.Combine("ticks.csv");
        (code, _, error) = await CliRunner.RunAsync("taq", "query", "--symbol", symbol, "--from", from, "--to", to, "--out", csv, "--data-root", root);
        Assert.True(code == 0, error);
        Assert.Contains("2 of 2 session(s) in tier 3", error, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        Assert.Equal("date,time_m_us,sym_root,price,size", lines[0]);
        Assert.True(lines.Length > 100);

        (code, output, error) = await CliRunner.RunAsync("taq", "status", "--data-root", root);
        Assert.True(code == 0, error);
        Assert.Contains($"2 whole day(s) {from}..{to}", output, StringComparison.Ordinal);

        // An Almgren-Chriss schedule calibrated on the two days of tier 1: it trades every share and, at its risk aversion,
        // beats TWAP and the volume profile on E + λV.
        (code, output, error) = await CliRunner.RunAsync("execution", "schedule", "--symbol", symbol, "--shares", "50000", "--risk-aversion", "1e-5", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(2, json.RootElement.GetProperty("days").GetInt32());
            Assert.Equal(50_000, json.RootElement.GetProperty("intervals").EnumerateArray().Sum(i => i.GetProperty("optimal").GetDouble()), 6);
            var objective = json.RootElement.GetProperty("totals").EnumerateArray().Select(t => t.GetProperty("expectedCost").GetDouble() + (1e-5 * Math.Pow(t.GetProperty("costSd").GetDouble(), 2))).ToList();
            Assert.True(objective[0] <= objective[1] && objective[0] <= objective[2], string.Join(", ", objective));
        }

        // Bad values, each named.
        foreach (var (args, expected) in new (string[] Args, string Expected)[]
        {
            (Wrds("taq", "sync", "--from", to, "--to", from), "is after --to"),
            (Wrds("taq", "sync", "--from", "2024-12-28", "--to", "2024-12-29"), "no NYSE session"),
            (Wrds("taq", "sync", "--from", from, "--symbols", "BRK.B"), "'BRK.B' is not a TAQ symbol root"),
            (Wrds("taq", "query", "--symbol", symbol, "--from", from, "--kind", "book"), "--kind: 'book'"),
            (Wrds("taq", "sync", "--from", "2023-06-01"), "no table taqm_2023.ctm_20230601"),
            (["taq", "bars", "--symbol", "ZZZZ", "--date", to, "--data-root", root], "--symbol ZZZZ"),
            (["execution", "schedule", "--symbol", "ZZZZ", "--shares", "100", "--data-root", root], "no day of ZZZZ"),
            (["execution", "schedule", "--symbol", symbol, "--shares", "100", "--start", "08:00", "--data-root", root], "--start: '08:00'"),
            (["execution", "schedule", "--symbol", symbol, "--shares", "100", "--minutes", "5", "--intervals", "6", "--data-root", root], "--intervals 6 is more than --minutes 5"),
        })
        {
            (code, _, error) = await CliRunner.RunAsync(args);
            Assert.True(code != 0, string.Join(' ', args));
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
    }
}
