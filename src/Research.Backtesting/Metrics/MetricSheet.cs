using System.Globalization;
using Research.Backtesting.Jobs;
using Research.Backtesting.MonteCarlo;

namespace Research.Backtesting.Metrics;

/// <summary>
/// The metrics of a stored result as labelled lines with units, in reading order: what the console's result and
/// comparison pages, the CLI and reports show. Keys are the stored document's field names (camelCase, dotted for
/// nested values), so a line can be traced to the JSON that was hashed. A value that is not a number (a Sharpe ratio
/// of a flat track) reads "n/a".
/// </summary>
public static class MetricSheet
{
    /// <summary>Group of the period lines.</summary>
    public const string Period = "Period";

    /// <summary>Group of the return and risk lines.</summary>
    public const string Performance = "Performance";

    /// <summary>Group of the trading lines.</summary>
    public const string Trading = "Trading";

    /// <summary>Group of a Monte Carlo's paths and interval level.</summary>
    public const string Simulation = "Simulation";

    /// <summary>Group of the walk-forward overfitting measures.</summary>
    public const string Overfitting = "Overfitting";

    /// <summary>A backtest's headline numbers (empyrical conventions; Sharpe and Sortino in excess of the risk-free rate the run used).</summary>
    public static IReadOnlyList<MetricLine> Of(BacktestMetrics metrics, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return
        [
            Text(Period, prefix + "from", "From", MetricUnit.Date, metrics.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Text(Period, prefix + "to", "To", MetricUnit.Date, metrics.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Count(Period, prefix + "days", "Sessions", metrics.Days),
            Count(Period, prefix + "riskFreeMissingDays", "Sessions without a risk-free rate (counted as 0)", metrics.RiskFreeMissingDays),
            Percent(Performance, prefix + "totalReturn", "Total return", metrics.TotalReturn, 2),
            Percent(Performance, prefix + "cagr", "CAGR", metrics.Cagr, 2),
            Percent(Performance, prefix + "annualVolatility", "Volatility (annual)", metrics.AnnualVolatility, 2),
            Number(Performance, prefix + "sharpe", "Sharpe (excess of rf, annual)", metrics.Sharpe, 2),
            Number(Performance, prefix + "sortino", "Sortino (annual)", metrics.Sortino, 2),
            Percent(Performance, prefix + "maxDrawdown", "Max drawdown", metrics.MaxDrawdown, 2),
            Number(Performance, prefix + "calmar", "Calmar", metrics.Calmar, 2),
            Percent(Performance, prefix + "hitRate", "Hit rate (days up)", metrics.HitRate, 1),
            Number(Performance, prefix + "skewness", "Skewness", metrics.Skewness, 3),
            Number(Performance, prefix + "kurtosis", "Kurtosis (not excess)", metrics.Kurtosis, 3),
            Percent(Trading, prefix + "annualTurnover", "Turnover (one-way, a year)", metrics.AnnualTurnover, 0),
            Percent(Trading, prefix + "annualCosts", "Costs (a year)", metrics.AnnualCosts, 2),
            Percent(Trading, prefix + "meanGrossExposure", "Gross exposure (mean)", metrics.MeanGrossExposure, 0),
            Count(Trading, prefix + "trades", "Trades", metrics.Trades),
        ];
    }

    /// <summary>A walk-forward's stitched out-of-sample track and its overfitting measures.</summary>
    public static IReadOnlyList<MetricLine> Of(WalkForwardSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var choices = string.Join(", ", summary.Choices.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value}"));
        // The stitched track is returns only: its turnover, costs, exposure and trades are not computed (stored as 0).
        return
        [
            .. Of(summary.OutOfSample, "outOfSample.").Select(l => l.Group == Trading ? l with { Value = null, Display = "not available" } : l),
            Count(Overfitting, "windows", "Windows", summary.Windows.Count),
            Number(Overfitting, "efficiency", "Walk-forward efficiency (out / in sample)", summary.Efficiency, 2),
            Percent(Overfitting, "stability", "Stability (windows keeping the last choice)", summary.Stability, 0),
            Percent(Overfitting, "pbo", "Probability of backtest overfitting (CSCV)", summary.Pbo, 0),
            Number(Overfitting, "deflatedSharpe", "Deflated Sharpe ratio (probability)", summary.DeflatedSharpe, 3),
            Text(Overfitting, "choices", "Choices (times chosen)", MetricUnit.Text, choices),
        ];
    }

    /// <summary>A Monte Carlo's percentile intervals: lower, median and upper of each metric over the paths.</summary>
    public static IReadOnlyList<MetricLine> Of(MonteCarloSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var lines = new List<MetricLine>
        {
            Count(Simulation, "paths", "Paths", summary.Paths),
            Percent(Simulation, "confidence", "Interval confidence", summary.Confidence, 0),
        };
        void Interval(string key, string label, Interval? interval, Func<string, string, double, MetricLine> line)
        {
            lines.Add(line(key + ".lower", label + ", lower", interval?.Lower ?? double.NaN));
            lines.Add(line(key + ".median", label + ", median", interval?.Median ?? double.NaN));
            lines.Add(line(key + ".upper", label + ", upper", interval?.Upper ?? double.NaN));
        }

        Interval("sharpe", "Sharpe", summary.Sharpe, (k, l, v) => Number("Sharpe", k, l, v, 2));
        Interval("cagr", "CAGR", summary.Cagr, (k, l, v) => Percent("CAGR", k, l, v, 2));
        Interval("maxDrawdown", "Max drawdown", summary.MaxDrawdown, (k, l, v) => Percent("Max drawdown", k, l, v, 2));
        Interval("terminalWealth", "Terminal wealth (x capital)", summary.TerminalWealth, (k, l, v) => Number("Terminal wealth", k, l, v, 3));
        return lines;
    }

    /// <summary>A plain number, "n/a" when not finite.</summary>
    /// <summary>Group of a signal sweep's lines.</summary>
    public const string Signals = "Signals";

    /// <summary>A signal sweep: its period, how many variants were evaluated and the best one by its first-horizon rank IC t.</summary>
    public static IReadOnlyList<MetricLine> Of(Signals.SignalSweepSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var best = summary.Best;
        var evaluated = summary.Variants.Count - summary.Failed;
        return
        [
            Text(Period, "from", "From", MetricUnit.Date, summary.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Text(Period, "to", "To", MetricUnit.Date, summary.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Count(Period, "every", "Sessions between signal dates", summary.Every),
            Count(Signals, "variants", "Variants", summary.Variants.Count),
            Count(Signals, "failed", "Variants not evaluated (coverage)", summary.Failed),
            Count(Signals, "significantHolm", "Significant at 5% after Holm (over the sweep)", summary.Holm.Count(p => p < 0.05)),
            Count(Signals, "significantBenjaminiHochberg", "Significant at 5% after Benjamini-Hochberg (over the sweep)", summary.BenjaminiHochberg.Count(p => p < 0.05)),
            Text(Signals, "best.name", $"Best variant (|rank IC t| at {summary.Horizons[0]} session(s))", MetricUnit.Text, best?.Name ?? "none of " + evaluated.ToString(CultureInfo.InvariantCulture)),
            Number(Signals, "best.rankIc", "Best variant: mean rank IC", best?.Horizons[0].RankIc.Mean ?? double.NaN, 4),
            Number(Signals, "best.rankIcT", "Best variant: rank IC t (Newey-West)", best?.Horizons[0].RankIc.NeweyWestT ?? double.NaN, 2),
            Number(Signals, "best.holm", "Best variant: Holm-adjusted p", best is null ? double.NaN : summary.Holm[best.Index], 4),
        ];
    }

    public static MetricLine NumberLine(string group, string key, string label, double value, int decimals) => Number(group, key, label, value, decimals);

    /// <summary>A fraction shown as a percentage, "n/a" when not finite.</summary>
    public static MetricLine PercentLine(string group, string key, string label, double value, int decimals) => Percent(group, key, label, value, decimals);

    private static MetricLine Number(string group, string key, string label, double value, int decimals) =>
        new(group, key, label, MetricUnit.Number, Finite(value), Finite(value) is { } v ? v.ToString("F" + decimals, CultureInfo.InvariantCulture) : "n/a");

    private static MetricLine Percent(string group, string key, string label, double? value, int decimals) =>
        new(group, key, label, MetricUnit.Percent, Finite(value), Finite(value) is { } v ? v.ToString("P" + decimals, CultureInfo.InvariantCulture) : "n/a");

    private static MetricLine Count(string group, string key, string label, int value) =>
        new(group, key, label, MetricUnit.Count, value, value.ToString("N0", CultureInfo.InvariantCulture));

    private static MetricLine Text(string group, string key, string label, MetricUnit unit, string text) => new(group, key, label, unit, null, text);

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
