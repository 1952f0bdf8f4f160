using System.Globalization;
using System.Text.Json;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research alpha evaluate</c> on a small synthetic market: the planted alpha is found, a noise file is not.</summary>
public sealed class AlphaCommandTests : IDisposable
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("alpha-cli");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_planted_alpha_is_found_and_a_noise_file_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = _dir.Combine("warehouse");
        var layout = new WarehouseLayout(root);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 120, Years = 2, Seed = 12, IntradaySymbols = 0 });
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting", "truth/alpha" })
        {
            await new SyncManager(layout, TimeProvider.System).SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        var (code, output, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var five = json.RootElement.GetProperty("horizons")[1];
            Assert.Equal(5, five.GetProperty("horizon").GetInt32());
            var rank = five.GetProperty("rankIcSummary");
            Assert.True(rank.GetProperty("neweyWestT").GetDouble() > 3, output);
            Assert.True(rank.GetProperty("mean").GetDouble() > 0, output);
            Assert.True(five.GetProperty("spread").GetDouble() > 0, output);
        }

        // Noise scores for every stock and day, from a seeded generator: no significant IC.
        (code, output, error) = await CliRunner.RunAsync("query", "SELECT CAST(date AS VARCHAR) AS d, permno FROM crsp.daily WHERE date >= DATE '2023-01-03'", "--max-rows", "1000000", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        var random = new Random(5);
        var lines = new List<string> { "date,permno,score" };
        foreach (var row in JsonDocument.Parse(output).RootElement.GetProperty("rows").EnumerateArray())
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{row[0].GetString()},{row[1].GetInt32()},{random.NextDouble():R}"));
        }

        var noise = _dir.Combine("noise.csv");
        await File.WriteAllLinesAsync(noise, lines, ct);
        (code, output, error) = await CliRunner.RunAsync("alpha", "evaluate", "--scores", noise, "--from", "2023-01-03", "--to", "2024-12-31", "--horizons", "1", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        var t = JsonDocument.Parse(output).RootElement.GetProperty("horizons")[0].GetProperty("rankIcSummary").GetProperty("neweyWestT").GetDouble();
        Assert.InRange(t, -2.5, 2.5);

        (code, output, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root);
        Assert.True(code == 0, error);
        Assert.Contains("rank autocorrelation", output, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(noise, ["date,permno,score", "2024-01-02,10001,0.5", "2024-01-03;10001;0.5"], ct);
        (code, _, error) = await CliRunner.RunAsync("alpha", "evaluate", "--scores", noise, "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("noise.csv line 3: '2024-01-03;10001;0.5' is not date,permno,score", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--scores", noise, "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("Give exactly one of --planted and --scores FILE.", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--from", "2023-01-03", "--to", "2024-12-31", "--horizons", "1,0", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("--horizons: '0' is not a session count from 1 to 252.", error, StringComparison.Ordinal);
    }
}
