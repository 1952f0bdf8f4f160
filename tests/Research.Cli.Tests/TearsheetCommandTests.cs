using System.Globalization;
using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research tearsheet</c> on files a user brings: figures, HTML, alignment and refusals naming the line.</summary>
public sealed class TearsheetCommandTests
{
    private static string Write(TempDirectory dir, string name, IEnumerable<(DateOnly Date, double Return)> rows, string header = "date,return") =>
        WriteText(dir, name, header + "\n" + string.Join("\n", rows.Select(r => $"{r.Date:yyyy-MM-dd},{r.Return.ToString("R", CultureInfo.InvariantCulture)}")) + "\n");

    private static string WriteText(TempDirectory dir, string name, string text)
    {
        var path = dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_series_against_a_benchmark_gives_empyricals_beta_an_html_page_and_says_which_days_were_left_out()
    {
        using var dir = TestEnvironment.CreateTempDirectory("tearsheet");
        var days = Enumerable.Range(0, 8).Select(d => new DateOnly(2024, 1, 2).AddDays(d)).ToArray();
        double[] mixed = [0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10];
        double[] negative = [-0.06, -0.07, -0.01, -0.09, -0.02, -0.06, -0.08, -0.05];
        var returns = Write(dir, "strategy.csv", days.Zip(mixed));
        var benchmark = Write(dir, "market.csv", days.Zip(negative).Append((new DateOnly(2024, 2, 1), 0.01)));
        var html = dir.Combine("sheet.html");

        var (code, output, error) = await CliRunner.RunAsync("tearsheet", "--returns", returns, "--benchmark", benchmark, "--window", "3", "--html", html, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(-0.71296296296296291, json.RootElement.GetProperty("relative").GetProperty("beta").GetDouble(), 12);
        Assert.Contains("0 day(s) of the returns and 1 of the benchmark have no partner", error, StringComparison.Ordinal);
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        Assert.Contains("<svg id=\"wealth\"", page, StringComparison.Ordinal);
        Assert.Contains("Beta", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-01-02,0.01\n2024-01-03,\n", ":3: the return on 2024-01-03 is '', not a finite decimal")]
    [InlineData("2024-01-02,0.01\n2024-01-03,5\n2024-01-04,-2\n", ":4: a return of -2 on 2024-01-04 loses more than everything")]
    [InlineData("2024-01-02,0.01\n02/01/2024,0.01\n", ":3: '02/01/2024' is not a date (YYYY-MM-DD)")]
    [InlineData("2024-01-02,0.01\n2024-01-02,0.02\n", ":3: 2024-01-02 appears twice")]
    public async Task A_bad_line_is_refused_naming_the_file_and_line(string body, string expected)
    {
        using var dir = TestEnvironment.CreateTempDirectory("tearsheet-bad");
        var path = WriteText(dir, "bad.csv", "date,return\n" + body);
        var (code, output, error) = await CliRunner.RunAsync("tearsheet", "--returns", path);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains(path + expected, error, StringComparison.Ordinal);
    }
}
