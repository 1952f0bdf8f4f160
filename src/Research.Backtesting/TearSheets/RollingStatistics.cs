using Research.Backtesting.Metrics;

namespace Research.Backtesting.TearSheets;

/// <summary>
/// Statistics over a trailing window of <see cref="Window"/> sessions ending on each day (NaN until the window is full):
/// annualised Sharpe ratio and volatility (as <see cref="PerformanceMetrics"/>), and beta to the benchmark when there is one.
/// </summary>
public sealed record RollingStatistics(int Window, double[] Sharpe, double[] Volatility, double[]? Beta)
{
    /// <summary>Six months of sessions, pyfolio's default.</summary>
    public const int DefaultWindow = 126;

    public static RollingStatistics Of(IReadOnlyList<double> returns, IReadOnlyList<double>? benchmark = null, int window = DefaultWindow, double riskFreePerDay = 0)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        var n = returns.Count;
        var sharpe = Enumerable.Repeat(double.NaN, n).ToArray();
        var volatility = Enumerable.Repeat(double.NaN, n).ToArray();
        var beta = benchmark is null ? null : Enumerable.Repeat(double.NaN, n).ToArray();
        for (var end = window - 1; end < n; end++)
        {
            var slice = new double[window];
            for (var i = 0; i < window; i++)
            {
                slice[i] = returns[end - window + 1 + i];
            }

            sharpe[end] = PerformanceMetrics.Sharpe(slice, riskFreePerDay);
            volatility[end] = PerformanceMetrics.AnnualVolatility(slice);
            if (beta is not null)
            {
                var b = new double[window];
                for (var i = 0; i < window; i++)
                {
                    b[i] = benchmark![end - window + 1 + i];
                }

                beta[end] = BenchmarkRelative.Of(slice, b, riskFreePerDay).Beta;
            }
        }

        return new RollingStatistics(window, sharpe, volatility, beta);
    }
}
