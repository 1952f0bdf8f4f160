using Research.Analytics.Factors;
using Research.Analytics.Risk;
using Research.Testing;

namespace Research.Analytics.Tests.Factors;

/// <summary>The prices-file panel: bad input named precisely, and the real S&amp;P 500 five-year panel fitted end to end.</summary>
public sealed class PricesCsvPanelTests
{
    [Theory]
    [InlineData("date,open,high,low,close,volume\n2020-01-02,1,1,1,1,100\n", "no 'Name' column")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,abc,100,AAA\n", "line 2: close 'abc'")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,NaN,100,AAA\n", "line 2: close 'NaN' is not a price")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,Infinity,100,AAA\n", "line 2: close 'Infinity' is not a price")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,-Infinity,100,AAA\n", "line 2: close '-Infinity' is not a price")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,1e308,100,AAA\n", "line 2: close '1e308' is not a price")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,0,100,AAA\n", "line 2: close '0' is not a price")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,5,-100,AAA\n", "line 2: volume '-100' is not a finite number of shares")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,5,NaN,AAA\n", "line 2: volume 'NaN' is not a finite number of shares")]
    [InlineData("date,open,high,low,close,volume,Name\n", "no prices below the header")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,,100,AAA\n", "no prices below the header (1 row(s) without a close)")]
    [InlineData("", "the file is empty")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,1,100,AAA\n2020-13-02,1,1,1,1,100,AAA\n", "line 3: date '2020-13-02'")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,1,100,AAA\n2020-01-02,1,1,1,2,100,AAA\n", "two rows for AAA on 2020-01-02")]
    [InlineData("date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,1,100\n", "line 2: 6 fields")]
    public void Malformed_files_are_refused_naming_the_line_and_field(string content, string expected)
    {
        using var dir = TestEnvironment.CreateTempDirectory("prices");
        var path = dir.Combine("prices.csv");
        File.WriteAllText(path, content);
        var error = Assert.Throws<InvalidDataException>(() => PricesCsvPanel.Load(path, out _));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("prices.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_without_a_close_are_skipped_and_counted_and_returns_need_both_closes()
    {
        using var dir = TestEnvironment.CreateTempDirectory("prices");
        var path = dir.Combine("prices.csv");
        File.WriteAllText(path, "date,open,high,low,close,volume,Name\n2020-01-02,,,,10,100,AAA\n2020-01-03,1,1,1,,100,AAA\n2020-01-06,1,1,1,11,100,AAA\n2020-01-07,1,1,1,12.1,100,AAA\n2020-01-03,1,1,1,5,100,BBB\n");
        var panel = PricesCsvPanel.Load(path, out var skipped);
        Assert.Equal(1, skipped);
        Assert.Equal(["AAA", "BBB"], panel.Labels);
        Assert.True(double.IsNaN(panel.Returns[(2 * 2) + 0]), "no close on the 3rd: the 6th has no return");
        Assert.Equal(0.1, panel.Returns[(3 * 2) + 0], 12);
        Assert.False(panel.HasMarketCap);
    }

    [Fact]
    public void The_real_sp500_panel_fits_end_to_end()
    {
        var path = Path.Combine(TestEnvironment.RequireRealData(), "sp500_5yr", "all_stocks_5yr.csv");
        var panel = PricesCsvPanel.Load(path, out var skipped);
        Assert.Equal(505, panel.Assets);
        Assert.InRange(skipped, 0, 11);
        var exposures = FactorBuilder.Build(panel, panel.MonthEnds());
        Assert.Equal(["size", "momentum", "low_vol", "beta"], exposures.Factors);
        var model = RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1]);
        var summary = RiskModelSummary.Of(model);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"S&P 500 {summary.First:yyyy-MM-dd}..{summary.Last:yyyy-MM-dd}: {summary.Days} days, {summary.MeanStocks:F0} stocks, mean R² {summary.MeanRSquared:F3}; " +
            $"bias {summary.BiasInBand}/100 in band over {summary.BiasWindow}, median {summary.BiasStatistics.Order().ElementAt(50):F3}; " +
            string.Join(", ", summary.FactorBias.Select(p => $"{p.Key} {p.Value:F3}")));
        Assert.InRange(summary.MeanRSquared, 0.05, 0.95);
        Assert.Equal(100, summary.BiasStatistics.Count);
        Assert.All(summary.BiasStatistics, b => Assert.InRange(b, 0.3, 3.0));
    }
}
