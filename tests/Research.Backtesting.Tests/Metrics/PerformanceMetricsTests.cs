using Research.Backtesting.Metrics;

namespace Research.Backtesting.Tests.Metrics;

/// <summary>
/// Metrics on a small fixed series against numbers computed separately (plain Python, empyrical's formulas: 252 days,
/// ddof = 1, drawdown from a starting wealth of 1), and the deflated Sharpe ratio against the published example.
/// </summary>
public sealed class PerformanceMetricsTests
{
    private static readonly double[] Series = [0.01, -0.02, -0.015, 0.0, 0.005, 0.04, -0.01, 0.02];

    [Fact]
    public void Metrics_equal_the_hand_computations_on_a_fixed_series()
    {
        Assert.Equal(0.029007280180879835, PerformanceMetrics.CumulativeReturn(Series), 12);
        Assert.Equal(1.4613937455185937, PerformanceMetrics.Cagr(Series), 10);
        Assert.Equal(0.31392674304684526, PerformanceMetrics.AnnualVolatility(Series), 12);
        Assert.Equal(3.0102564401752283, PerformanceMetrics.Sharpe(Series), 10);
        Assert.Equal(2.929982935103889, PerformanceMetrics.Sharpe(Series, riskFreePerPeriod: 0.0001), 10);
        Assert.Equal(0.15112081259707413, PerformanceMetrics.DownsideRisk(Series), 12);
        Assert.Equal(6.25327500401686, PerformanceMetrics.Sortino(Series), 10);
        Assert.Equal(-0.034700000000000064, PerformanceMetrics.MaxDrawdown(Series), 12);
        Assert.Equal(42.11509353079513, PerformanceMetrics.Calmar(Series), 8);
        Assert.Equal(0.5, PerformanceMetrics.HitRate(Series));
        Assert.Equal(0.727341545500844, PerformanceMetrics.Skewness(Series), 10);
        Assert.Equal(2.4294113967598676, PerformanceMetrics.Kurtosis(Series), 10);
    }

    [Fact]
    public void A_loss_on_the_first_day_is_a_drawdown_from_the_starting_wealth()
    {
        Assert.Equal(-0.05, PerformanceMetrics.MaxDrawdown([-0.05, 0.02]), 12);
        var drawdowns = PerformanceMetrics.Drawdowns([-0.05, 0.02]);
        Assert.Equal(-0.05, drawdowns[0], 12);
        Assert.Equal((0.95 * 1.02) - 1, drawdowns[1], 12);
        Assert.Equal(0.0, PerformanceMetrics.MaxDrawdown([0.01, 0.02]));
    }

    [Fact]
    public void The_deflated_Sharpe_ratio_reproduces_the_published_example()
    {
        // Bailey and López de Prado (2014): 100 trials, variance of the annualised Sharpe ratios 0.5, observed annualised
        // Sharpe 2.5 over 1,250 days (five years of 250), skewness -3, kurtosis 10: DSR = 0.9004, with the paper's 250 days.
        var dsr = PerformanceMetrics.DeflatedSharpe(annualSharpe: 2.5, annualSharpeVariance: 0.5, trials: 100, periods: 1250, skewness: -3, kurtosis: 10, periodsPerYear: 250);
        Assert.Equal(0.9004, Math.Round(dsr, 4));

        // The platform's 252 sessions a year (its default) give a slightly different figure for the same inputs.
        Assert.Equal(0.8997, Math.Round(PerformanceMetrics.DeflatedSharpe(2.5, 0.5, 100, 1250, -3, 10), 4));

        // The expected maximum of 100 null Sharpe ratios with variance 0.5 (annualised) is about 1.79.
        Assert.Equal(1.789, PerformanceMetrics.ExpectedMaximumSharpe(100, 0.5), 3);
    }

    [Fact]
    public void Bad_series_are_refused_naming_the_position()
    {
        Assert.Throws<ArgumentException>(() => PerformanceMetrics.Sharpe([]));
        var error = Assert.Throws<ArgumentException>(() => PerformanceMetrics.Cagr([0.01, double.NaN]));
        Assert.Contains("return 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wealth_and_monthly_returns_compound_by_hand()
    {
        double[] r = [0.10, -0.05, 0.02, 0.01];
        DateOnly[] d = [new(2024, 1, 30), new(2024, 1, 31), new(2024, 2, 1), new(2024, 3, 28)];
        Assert.Equal([1.10, 1.045, 1.0659, 1.076559], PerformanceMetrics.Wealth(r), new Tolerance(1e-12));
        var months = PerformanceMetrics.MonthlyReturns(d, r);
        Assert.Equal(3, months.Count);
        Assert.Equal((2024, 1), (months[0].Year, months[0].Month));
        Assert.Equal((1.10 * 0.95) - 1, months[0].Return, 12);
        Assert.Equal(0.02, months[1].Return, 12);
        Assert.Equal((2024, 3, 0.01), (months[2].Year, months[2].Month, Math.Round(months[2].Return, 12)));
        Assert.Throws<ArgumentException>(() => PerformanceMetrics.MonthlyReturns(d[..3], r));
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;

        public int GetHashCode(double obj) => 0;
    }
}
