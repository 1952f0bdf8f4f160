using System.Globalization;
using MathNet.Numerics.Distributions;
using Research.Analytics.Alpha;
using Research.Backtesting.Metrics;
using Research.Core.Calendars;

namespace Research.Backtesting.Overfitting;

/// <summary>
/// One evaluation of a signal as the trial ledger records it. <see cref="TrialKey"/> identifies what was tried
/// (definition hash, evaluation parameters, period, data versions): the same evaluation run twice is two rows and one
/// trial.
/// </summary>
/// <param name="PValue">Two-sided p-value of the mean rank IC at the shortest horizon (Newey-West t against the normal).</param>
/// <param name="SpreadSharpe">Sharpe ratio of the top-minus-bottom spread per observation (an h-session return; not annualised).</param>
/// <param name="Horizon">The shortest horizon (sessions), on which the p-value and the spread are measured.</param>
/// <param name="Periods">Spread observations (signal dates).</param>
/// <param name="Kurtosis">Kurtosis of the spread (m4 / m2², not excess).</param>
public sealed record SignalTrial(
    string TrialKey, string Question, string Signal, string DefinitionSha256, string Definition, string Parameters,
    DateOnly From, DateOnly To, string Universe, string DataVersions, string Statistics,
    double PValue, double SpreadSharpe, int Horizon, int Periods, double Skewness, double Kurtosis,
    string RequestedBy, DateTimeOffset CreatedAt)
{
    /// <summary>The spread's Sharpe ratio annualised as an h-session return held back to back: × √(252 / h).</summary>
    public double AnnualSharpe => SpreadSharpe * Math.Sqrt((double)Annualisation.SessionsPerYear / Horizon);

    /// <summary>The statistics a trial records from a report, at its shortest horizon.</summary>
    public static (double PValue, double SpreadSharpe, int Horizon, int Periods, double Skewness, double Kurtosis) Measure(SignalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var first = report.Horizons[0];
        var t = first.RankIcSummary.NeweyWestT;
        var spread = first.SpreadByDate;
        var sd = PerformanceMetrics.StandardDeviation(spread);
        return (double.IsFinite(t) ? 2 * (1 - Normal.CDF(0, 1, Math.Abs(t))) : 1.0, sd > 0 ? spread.Average() / sd : 0, first.Horizon, spread.Count,
            spread.Count >= 3 ? PerformanceMetrics.Skewness(spread) : 0, spread.Count >= 4 ? PerformanceMetrics.Kurtosis(spread) : 3);
    }
}

/// <summary>A trial with the corrections that count every trial on record in its question.</summary>
/// <param name="Trials">Distinct trials in the question (the m of the corrections, the N of the deflated Sharpe ratio).</param>
/// <param name="Evaluations">Rows recorded for this trial (repeats of the same evaluation).</param>
/// <param name="DeflatedSharpe">Probability that the spread's Sharpe ratio beats the best of <see cref="Trials"/> skill-less
/// trials (Bailey and López de Prado 2014), with the variance of the Sharpe ratios across the question's trials; NaN with one trial.</param>
public sealed record CorrectedTrial(SignalTrial Trial, int Trials, int Evaluations, double Bonferroni, double Holm, double BenjaminiHochberg, double BenjaminiYekutieli, double DeflatedSharpe);

/// <summary>
/// Multiple-testing control over the trial ledger: within a research question every distinct trial on record counts,
/// whether or not it is shown (a researcher cannot lower m by hiding the failures).
/// </summary>
public static class SignalTrialCorrections
{
    /// <summary>Corrects every distinct trial of <paramref name="rows"/> (one question's rows, repeats included), latest row per trial, in recording order.</summary>
    public static IReadOnlyList<CorrectedTrial> Correct(IReadOnlyList<SignalTrial> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Select(r => r.Question).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw new ArgumentException("Corrections count the trials of one question; rows of several were given.", nameof(rows));
        }

        var trials = rows.GroupBy(r => r.TrialKey, StringComparer.Ordinal)
            .Select(g => (Latest: g.OrderBy(r => r.CreatedAt).Last(), Count: g.Count()))
            .OrderBy(p => p.Latest.CreatedAt).ThenBy(p => p.Latest.TrialKey, StringComparer.Ordinal).ToList();
        if (trials.Count == 0)
        {
            return [];
        }

        var p = trials.Select(x => x.Latest.PValue).ToArray();
        var bonferroni = MultipleTesting.Adjust(p, MultipleTestingMethod.Bonferroni);
        var holm = MultipleTesting.Adjust(p, MultipleTestingMethod.Holm);
        var bh = MultipleTesting.Adjust(p, MultipleTestingMethod.BenjaminiHochberg);
        var by = MultipleTesting.Adjust(p, MultipleTestingMethod.BenjaminiYekutieli);
        var sessions = Annualisation.SessionsPerYear;
        var variance = trials.Count > 1 ? Math.Pow(PerformanceMetrics.StandardDeviation([.. trials.Select(x => x.Latest.SpreadSharpe)]), 2) : double.NaN;
        return [.. trials.Select((x, k) => new CorrectedTrial(x.Latest, trials.Count, x.Count, bonferroni[k], holm[k], bh[k], by[k],
            trials.Count > 1 && variance > 0 && x.Latest.Periods > 1
                ? PerformanceMetrics.DeflatedSharpe(x.Latest.SpreadSharpe * Math.Sqrt(sessions), variance * sessions, trials.Count, x.Latest.Periods, x.Latest.Skewness, x.Latest.Kurtosis, sessions)
                : double.NaN))];
    }

    /// <summary>The trial's identity: what was evaluated, how, over which period and data.</summary>
    public static string Key(string definitionSha256, string parameters, DateOnly from, DateOnly to, string dataVersions) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\n', definitionSha256, parameters, from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dataVersions))));
}
