using System.Globalization;
using System.Text.Json;
using Research.Data.Providers.FamaFrench;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research attribution</c> over the real Ken French files synced into a warehouse.</summary>
public sealed class AttributionCommandTests : IDisposable
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("attribution-cli");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_fund_built_from_the_factors_is_attributed_to_exactly_its_loadings()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = _dir.Combine("warehouse");
        var french = Path.Combine(TestEnvironment.RequireRealData(), "french", "202510");
        var (code, _, error) = await CliRunner.RunAsync("sync", "--full-sync", "--dataset", "famafrench", "--source", "files", french, "--data-root", root);
        Assert.True(code == 0, error);

        // r = rf + 0.0001 + 0.9 mktrf + 0.25 smb - 0.4 hml, 2015-2019, one day (2016-03-31) unknown to the factors.
        var table = FrenchLibraryParser.ParseFile(Path.Combine(french, "F-F_Research_Data_Factors_daily.csv")).Tables.First(t => t.Frequency == FrenchFrequency.Daily);
        var lines = new List<string> { "date,return" };
        for (var i = 0; i < table.Dates.Count; i++)
        {
            if (table.Dates[i].Year is >= 2015 and <= 2019)
            {
                var v = table.Values[i];
                var r = v[3]!.Value + 0.0001 + (0.9 * v[0]!.Value) + (0.25 * v[1]!.Value) - (0.4 * v[2]!.Value);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{table.Dates[i]:yyyy-MM-dd},{r:R}"));
            }
        }

        lines.Add("2020-01-01,0.01"); // a holiday: no factor data
        var csv = _dir.Combine("fund.csv");
        await File.WriteAllLinesAsync(csv, lines, ct);

        string output;
        (code, output, error) = await CliRunner.RunAsync("attribution", "--returns", csv, "--model", "ff3", "--conditional", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        Assert.Contains("1 day(s) of the returns have no ff3 factor data", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        var loadings = json.RootElement.GetProperty("loadings").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!, l => l.GetProperty("loading").GetDouble());
        Assert.Equal(0.0001, loadings["alpha"], 1e-10);
        Assert.Equal(0.9, loadings["mktrf"], 1e-9);
        Assert.Equal(0.25, loadings["smb"], 1e-9);
        Assert.Equal(-0.4, loadings["hml"], 1e-9);
        Assert.Equal(1, json.RootElement.GetProperty("rSquared").GetDouble(), 1e-9);
        Assert.Equal(0.9, json.RootElement.GetProperty("timing").GetProperty("upBeta").GetDouble(), 1e-9);

        (code, output, error) = await CliRunner.RunAsync("attribution", "--returns", csv, "--model", "capm", "--rolling", "63", "--data-root", root);
        Assert.True(code == 0, error);
        Assert.Contains("rolling 63-session loadings, at month ends", output, StringComparison.Ordinal);
        Assert.Contains("alpha ", output, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("attribution", "--returns", csv, "--model", "ff7", "--data-root", root);
        Assert.Equal(2, code);
        Assert.Contains("--model: 'ff7' is not one of capm, ff3, carhart4, ff5, ff5-momentum.", error, StringComparison.Ordinal);

        var old = _dir.Combine("old.csv");
        await File.WriteAllLinesAsync(old, ["date,return", "1920-01-02,0.01", "1920-01-03,0.02"], ct);
        (code, _, error) = await CliRunner.RunAsync("attribution", "--returns", old, "--model", "capm", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("old.csv: No date of the return series (1920-01-02..1920-01-03) has the Capm factors", error, StringComparison.Ordinal);
    }
}
