using Research.Analytics.Risk;
using Research.Core.Calendars;

namespace Research.Analytics.Tests;

/// <summary>
/// The risk report on a one-factor model small enough to do by hand: B = (1, 0.5, 0.2), F = 0.0004,
/// s = (0.0001, 0.0004, 0.0009) for PERMNOs 1, 2, 3.
/// </summary>
public sealed class PortfolioRiskReportTests
{
    private static readonly StoredForecast Forecast = new(
        new DateOnly(2024, 6, 28), "fit-1", ["market"], [[0.0004]],
        new Dictionary<int, double[]> { [1] = [1.0], [2] = [0.5], [3] = [0.2] },
        new Dictionary<int, double> { [1] = 0.0001, [2] = 0.0004, [3] = 0.0009 });

    private static readonly PortfolioHolding[] Book = [new("AAPL", 1, 0.6), new("2", 2, 0.4)];

    [Fact]
    public void Total_factor_and_specific_risk_and_the_var_match_a_hand_computation()
    {
        var report = PortfolioRiskReport.Build(Forecast, Book, null, [], [], 0.95);

        // x = 0.6 + 0.2 = 0.8; factor variance 0.64 x 0.0004 = 0.000256; specific 0.36 x 0.0001 + 0.16 x 0.0004 = 0.0001.
        Assert.Equal(0.8, report.ByFactor[0].Exposure, 12);
        Assert.Equal(Math.Sqrt(0.000256), report.Risk.FactorVolatility, 12);
        Assert.Equal(Math.Sqrt(0.0001), report.Risk.SpecificVolatility, 12);
        Assert.Equal(Math.Sqrt(0.000356), report.Risk.Volatility, 12);
        Assert.Equal(report.Risk.Volatility, report.ByAsset.Sum(a => a.Contribution), 12);
        Assert.Equal(1.6448536269514722 * Math.Sqrt(0.000356), report.ParametricValueAtRisk, 9); // z(0.95) σ
        Assert.Null(report.Historical);
        Assert.Null(report.TrackingError);
    }

    [Fact]
    public void Predicted_correlations_follow_the_factor_model_by_hand()
    {
        // cov(1,2) = 1 x 0.5 x 0.0004 = 0.0002; var1 = 0.0004 + 0.0001 = 0.0005; var2 = 0.25 x 0.0004 + 0.0004 = 0.0005:
        // rho = 0.0002 / 0.0005 = 0.4. cov(1,3) = 0.2 x 0.0004 = 0.00008; var3 = 0.04 x 0.0004 + 0.0009 = 0.000916.
        var correlations = Forecast.PredictedCorrelations(1);
        Assert.Equal([2, 3], correlations.Select(c => c.Permno));
        Assert.Equal(0.4, correlations[0].Correlation, 12);
        Assert.Equal(0.00008 / Math.Sqrt(0.0005 * 0.000916), correlations[1].Correlation, 12);
        Assert.Contains("does not cover permno 9", Assert.Throws<ArgumentException>(() => Forecast.PredictedCorrelations(9)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_security_listed_twice_by_ticker_and_by_permno_is_refused_naming_both()
    {
        PortfolioHolding[] twice = [new("AAPL", 1, 0.3), new("2", 2, 0.4), new("1", 1, 0.3)];
        var error = Assert.Throws<ArgumentException>(() => PortfolioRiskReport.Build(Forecast, twice, null, [], [], 0.95));
        Assert.Equal("portfolio: the same security is listed more than once (AAPL and 1 are PERMNO 1); list each once with its total weight.", error.Message);
        Assert.StartsWith("benchmark:", Assert.Throws<ArgumentException>(() => PortfolioRiskReport.Build(Forecast, Book, twice, [], [], 0.95)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracking_error_aligns_the_two_books_by_permno()
    {
        // The benchmark names PERMNO 1 by number and holds 3, which the book does not: active a = (0.6 - 0.5, 0.4, -0.5).
        PortfolioHolding[] benchmark = [new("1", 1, 0.5), new("XYZ", 3, 0.5)];
        var te = PortfolioRiskReport.Build(Forecast, Book, benchmark, [], [], 0.95).TrackingError!;

        // x_a = 0.1 + 0.2 - 0.1 = 0.2 -> factor 0.04 x 0.0004 = 0.000016; specific 0.01 x 0.0001 + 0.16 x 0.0004 + 0.25 x 0.0009 = 0.00029.
        Assert.Equal(Math.Sqrt(0.000016), te.Factor, 12);
        Assert.Equal(Math.Sqrt(0.00029), te.Specific, 12);
        Assert.Equal(Math.Sqrt(0.000306), te.Daily, 12);
        Assert.Equal(Math.Sqrt(0.000306) * Math.Sqrt(Annualisation.SessionsPerYear), te.Annualised, 12);
    }

    [Fact]
    public void Historical_var_uses_the_last_500_days_of_systematic_returns()
    {
        var dates = Enumerable.Range(0, 600).Select(i => new DateOnly(2022, 1, 3).AddDays(i)).ToArray();
        var f = Enumerable.Range(0, 600).Select(i => new[] { ((i * 37) % 101 - 50) / 5000.0 }).ToArray();
        var report = PortfolioRiskReport.Build(Forecast, Book, null, dates, f, 0.95);
        var h = report.Historical!;
        Assert.Equal(500, h.Days);
        Assert.Equal(dates[100], h.From);
        Assert.Equal(dates[^1], h.To);

        // The 25th largest loss of 0.8 f_t over the last 500 days (m = ceil(500 x 0.05) = 25).
        var losses = f.Skip(100).Select(r => -0.8 * r[0]).OrderByDescending(l => l).ToArray();
        Assert.Equal(losses[24], h.ValueAtRisk, 12);
        Assert.Equal(losses.Take(25).Average(), h.ExpectedShortfall, 12);
    }

    [Fact]
    public void Too_short_a_history_gives_no_historical_var()
    {
        var dates = Enumerable.Range(0, 19).Select(i => new DateOnly(2024, 1, 2).AddDays(i)).ToArray();
        Assert.Null(PortfolioRiskReport.Build(Forecast, Book, null, dates, [.. dates.Select(_ => new[] { 0.001 })], 0.95).Historical);
    }
}
