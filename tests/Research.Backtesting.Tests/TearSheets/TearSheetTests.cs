using Research.Backtesting.Metrics;
using Research.Backtesting.TearSheets;

namespace Research.Backtesting.Tests.TearSheets;

/// <summary>
/// The tear sheet's figures: alpha and beta against empyrical's published test values on its own series, the rest
/// against hand computations written out here.
/// </summary>
public sealed class TearSheetTests
{
    // empyrical's test series (tests/test_stats.py): mixed_returns without its leading NaN, and negative_returns[1:].
    private static readonly double[] Mixed = [.. new[] { 1.0, 10, -4, 2, 3, 2, 1, -10 }.Select(r => r / 100)];
    private static readonly double[] Negative = [.. new[] { -6.0, -7, -1, -9, -2, -6, -8, -5 }.Select(r => r / 100)];

    [Fact]
    public void Alpha_and_beta_equal_empyricals_published_test_values()
    {
        var relative = BenchmarkRelative.Of(Mixed, Negative);
        Assert.Equal(-0.71296296296296291, relative.Beta, 12);            // alpha_beta(mixed_returns, negative_returns[1:])[1]
        Assert.Equal(-0.9997853834885004, relative.Alpha, 12);            // down_alpha_beta(...)[0]: every benchmark day is down; geometric annualisation
        Assert.Equal(-8.3066666666666666, relative.DailyAlpha * 252, 10); // older empyrical's arithmetic annualisation of the same daily alpha

        Assert.Equal((0.0, 1.0), (Math.Round(BenchmarkRelative.Of(Mixed, Mixed).Alpha, 12), BenchmarkRelative.Of(Mixed, Mixed).Beta));
        var inverse = BenchmarkRelative.Of(Mixed, [.. Mixed.Select(r => -r)]);
        Assert.Equal((0.0, -1.0), (Math.Round(inverse.Alpha, 12), Math.Round(inverse.Beta, 12)));
    }

    [Fact]
    public void Tracking_error_and_information_ratio_are_of_the_active_return()
    {
        // Active a = (0.01, 0.01, -0.01, 0.01): mean 0.005, sd (ddof 1) = sqrt((3 x 0.005² + 0.015²) / 3) = 0.01.
        var relative = BenchmarkRelative.Of([0.01, 0.02, -0.01, 0.0], [0.0, 0.01, 0.0, -0.01]);
        Assert.Equal(0.01 * Math.Sqrt(252), relative.TrackingError, 12);
        Assert.Equal(0.5 * Math.Sqrt(252), relative.InformationRatio, 12);
    }

    [Fact]
    public void The_worst_drawdowns_have_peak_trough_recovery_depth_and_length()
    {
        // Wealth 1.1, 0.99, 0.891, 1.1583, 0.57915, 0.637065.
        DateOnly[] dates = [new(2024, 1, 2), new(2024, 1, 3), new(2024, 1, 4), new(2024, 1, 5), new(2024, 1, 8), new(2024, 1, 9)];
        var worst = DrawdownPeriod.Worst(dates, [0.1, -0.1, -0.1, 0.3, -0.5, 0.1]);
        Assert.Equal(2, worst.Count);
        Assert.Equal((dates[3], dates[4], (DateOnly?)null, 2), (worst[0].Peak, worst[0].Trough, worst[0].Recovery, worst[0].Sessions));
        Assert.Equal(-0.5, worst[0].Depth, 12);
        Assert.Equal((dates[0], dates[2], (DateOnly?)dates[3], 3), (worst[1].Peak, worst[1].Trough, worst[1].Recovery, worst[1].Sessions));
        Assert.Equal((0.891 / 1.1) - 1, worst[1].Depth, 12);

        // A fall on the first day peaks the day before it.
        Assert.Equal(new DateOnly(2024, 1, 1), DrawdownPeriod.Worst(dates[..2], [-0.1, 0.2]).Single().Peak);
    }

    [Fact]
    public void Calendar_years_compound_and_say_how_many_sessions_they_cover()
    {
        DateOnly[] dates = [new(2023, 12, 28), new(2023, 12, 29), new(2024, 1, 2)];
        var years = AnnualReturn.Of(dates, [0.1, 0.1, -0.5], [0.0, 0.01, 0.02]);
        Assert.Equal([2023, 2024], years.Select(y => y.Year));
        Assert.Equal(0.21, years[0].Return, 12);
        Assert.Equal(0.01, years[0].Benchmark!.Value, 12);
        Assert.Equal((2, 1), (years[0].Sessions, years[1].Sessions));
    }

    [Fact]
    public void Rolling_figures_are_the_full_figures_of_each_trailing_window()
    {
        double[] r = [0.01, -0.02, 0.015, 0.003, -0.007, 0.012];
        double[] b = [0.005, -0.01, 0.01, 0.0, -0.004, 0.006];
        var rolling = RollingStatistics.Of(r, b, window: 3);
        Assert.True(double.IsNaN(rolling.Sharpe[1]) && double.IsNaN(rolling.Volatility[1]) && double.IsNaN(rolling.Beta![1]));
        for (var end = 2; end < r.Length; end++)
        {
            var window = r[(end - 2)..(end + 1)];
            Assert.Equal(PerformanceMetrics.Sharpe(window), rolling.Sharpe[end], 12);
            Assert.Equal(PerformanceMetrics.AnnualVolatility(window), rolling.Volatility[end], 12);
            Assert.Equal(BenchmarkRelative.Of(window, b[(end - 2)..(end + 1)]).Beta, rolling.Beta[end], 12);
        }
    }

    [Fact]
    public void The_sheet_labels_its_lines_states_its_conventions_and_refuses_misaligned_input()
    {
        DateOnly[] dates = [.. Enumerable.Range(0, 10).Select(d => new DateOnly(2024, 3, 1).AddDays(d))];
        double[] returns = [.. Mixed, 0.01, 0.0];
        double[] benchmark = [.. Negative, 0.0, 0.01];
        var sheet = TearSheet.Of(dates, returns, benchmark, rollingWindow: 5);
        var lines = sheet.Lines.ToDictionary(l => l.Key);
        Assert.Equal(BenchmarkRelative.Of(returns, benchmark).Beta.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), lines["beta"].Display);
        Assert.Equal(TearSheet.BenchmarkGroup, lines["alpha"].Group);
        Assert.Equal("2024-03-10", lines["to"].Display);
        Assert.Contains(sheet.Conventions, c => c.StartsWith("Risk-free rate: none", StringComparison.Ordinal));
        Assert.Equal(10, sheet.Wealth.Length);

        Assert.Throws<ArgumentException>(() => TearSheet.Of(dates, [0.01, 0.02], null));
        Assert.Throws<ArgumentException>(() => TearSheet.Of(dates[..1], [0.01], null));
    }

    [Fact]
    public void A_written_return_series_reads_back_to_the_same_doubles()
    {
        using var dir = Research.Testing.TestEnvironment.CreateTempDirectory("returns-csv");
        var path = Path.Combine(dir.Path, "r.csv");
        DateOnly[] dates = [new(2024, 1, 2), new(2024, 1, 3), new(2024, 1, 4)];
        double[] returns = [0.1 + 0.2, -1.0 / 3, 5e-324];
        ReturnSeriesFile.Write(path, dates, returns);
        var (readDates, readReturns) = ReturnSeriesFile.Read(path);
        Assert.Equal(dates, readDates);
        Assert.Equal(returns, readReturns); // bit for bit: written round-trip
        Assert.Equal("date,return", File.ReadLines(path).First());
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Throws<ArgumentException>(() => ReturnSeriesFile.Write(path, dates, [0.01]));
    }
}
