using Research.Backtesting.Metrics;
using Research.Backtesting.Overfitting;

namespace Research.Backtesting.Tests.Overfitting;

/// <summary>Corrections over the trial ledger count every distinct trial on record, once each, whatever is shown.</summary>
public sealed class SignalTrialCorrectionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static SignalTrial Trial(string key, double p, double sharpe, int minute, string question = "q") =>
        new(key, question, key, "sha", "{}", "{}", new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), "crsp", "{}", "[]", p, sharpe, 1, 1000, 0, 3, "alice", T0.AddMinutes(minute));

    [Fact]
    public void Every_distinct_trial_counts_once_and_the_latest_row_of_a_repeat_is_the_one_corrected()
    {
        var rows = new[] { Trial("a", 0.010, 0.08, 0), Trial("b", 0.040, 0.02, 1), Trial("a", 0.012, 0.07, 2), Trial("c", 0.300, -0.01, 3) };
        var corrected = SignalTrialCorrections.Correct(rows);
        Assert.Equal(["b", "a", "c"], corrected.Select(c => c.Trial.TrialKey)); // by the latest row's time
        Assert.All(corrected, c => Assert.Equal(3, c.Trials));
        Assert.Equal([1, 2, 1], corrected.Select(c => c.Evaluations));

        // By hand, m = 3 and p = (0.04, 0.012, 0.3): Bonferroni 3p; Holm sorted 0.012 x 3, max(0.036, 0.04 x 2), max(.., 0.3);
        // BH from the top: 0.3, min(0.3, 0.04 x 3/2), min(0.06, 0.012 x 3).
        Assert.Equal([0.12, 0.036, 0.9], corrected.Select(c => Math.Round(c.Bonferroni, 12)));
        Assert.Equal([0.08, 0.036, 0.3], corrected.Select(c => Math.Round(c.Holm, 12)));
        Assert.Equal([0.06, 0.036, 0.3], corrected.Select(c => Math.Round(c.BenjaminiHochberg, 12)));
        var harmonic = 1 + (1 / 2.0) + (1 / 3.0);
        Assert.Equal(Math.Min(1, 0.06 * harmonic), corrected[0].BenjaminiYekutieli, 12);

        // The deflated Sharpe ratio uses N = 3 and the variance of the three Sharpe ratios on record.
        var variance = Math.Pow(PerformanceMetrics.StandardDeviation([0.02, 0.07, -0.01]), 2);
        Assert.Equal(PerformanceMetrics.DeflatedSharpe(0.07 * Math.Sqrt(252), variance * 252, 3, 1000, 0, 3), corrected[1].DeflatedSharpe, 12);

        // Hiding the failures is not possible: the best trial alone is corrected less, and that is not what the ledger reports.
        var alone = SignalTrialCorrections.Correct([Trial("a", 0.012, 0.07, 2)]);
        Assert.Equal(0.012, alone[0].Holm, 12);
        Assert.True(double.IsNaN(alone[0].DeflatedSharpe));
        Assert.Throws<ArgumentException>(() => SignalTrialCorrections.Correct([Trial("a", 0.1, 0, 0), Trial("b", 0.1, 0, 1, question: "other")]));
    }

    [Fact]
    public void The_trial_key_changes_with_anything_that_makes_a_different_trial()
    {
        var key = SignalTrialCorrections.Key("sha", "{\"every\":1}", new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), "{\"crsp/daily\":\"v1\"}");
        Assert.Equal(key, SignalTrialCorrections.Key("sha", "{\"every\":1}", new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), "{\"crsp/daily\":\"v1\"}"));
        Assert.NotEqual(key, SignalTrialCorrections.Key("sha2", "{\"every\":1}", new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), "{\"crsp/daily\":\"v1\"}"));
        Assert.NotEqual(key, SignalTrialCorrections.Key("sha", "{\"every\":5}", new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), "{\"crsp/daily\":\"v1\"}"));
        Assert.NotEqual(key, SignalTrialCorrections.Key("sha", "{\"every\":1}", new DateOnly(2020, 1, 3), new DateOnly(2024, 12, 31), "{\"crsp/daily\":\"v1\"}"));
        Assert.NotEqual(key, SignalTrialCorrections.Key("sha", "{\"every\":1}", new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), "{\"crsp/daily\":\"v2\"}"));
    }
}
