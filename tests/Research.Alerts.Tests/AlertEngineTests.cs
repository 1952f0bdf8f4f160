namespace Research.Alerts.Tests;

/// <summary>The rule logic: when an observation raises, continues, folds or resolves an alert; escalation; quiet hours.</summary>
public sealed class AlertEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    private static AlertRule Drawdown(TimeSpan? throttle = null, TimeSpan? escalate = null) =>
        new("dd-desk", AlertCondition.Drawdown, 0.05, ["ops-mail"], AlertSeverity.Critical, "account:*", Throttle: throttle, EscalateAfter: escalate);

    [Fact]
    public void A_condition_true_for_an_hour_raises_once_continues_then_resolves_and_a_quick_return_is_folded_not_sent()
    {
        var rule = Drawdown();
        Episode? standing = null;
        DateTimeOffset? last = null;
        var raised = 0;
        for (var minute = 0; minute <= 60; minute++)
        {
            var at = T0.AddMinutes(minute);
            var decision = AlertEngine.Decide(rule, new Observation(AlertCondition.Drawdown, "account:desk-1", 0.07, at), standing, last);
            if (decision == AlertDecision.Raise)
            {
                raised++;
                (standing, last) = (new Episode(1, at, false, false), at);
            }
            else
            {
                Assert.Equal(AlertDecision.Continue, decision);
            }
        }

        Assert.Equal(1, raised);
        Assert.Equal(AlertDecision.Resolve, AlertEngine.Decide(rule, new Observation(AlertCondition.Drawdown, "account:desk-1", 0.01, T0.AddMinutes(61)), standing, last));
        Assert.Equal(AlertDecision.Throttled, AlertEngine.Decide(rule with { Throttle = TimeSpan.FromHours(2) }, new Observation(AlertCondition.Drawdown, "account:desk-1", 0.08, T0.AddMinutes(62)), null, last));
        Assert.Equal(AlertDecision.Raise, AlertEngine.Decide(rule, new Observation(AlertCondition.Drawdown, "account:desk-1", 0.08, T0.AddMinutes(61)), null, T0.AddMinutes(-1)));
    }

    [Fact]
    public void Only_the_rules_condition_and_subjects_count_and_a_below_rule_fires_at_or_under_its_threshold()
    {
        var rule = Drawdown();
        Assert.Equal(AlertDecision.None, AlertEngine.Decide(rule, new Observation(AlertCondition.DailyLoss, "account:desk-1", 0.5, T0), null, null));
        Assert.Equal(AlertDecision.None, AlertEngine.Decide(rule, new Observation(AlertCondition.Drawdown, "strategy:s1", 0.5, T0), null, null));
        Assert.Equal(AlertDecision.None, AlertEngine.Decide(rule with { Enabled = false }, new Observation(AlertCondition.Drawdown, "account:x", 0.5, T0), null, null));
        Assert.Equal(AlertDecision.Raise, AlertEngine.Decide(rule, new Observation(AlertCondition.Drawdown, "account:x", 0.05, T0), null, null)); // at the threshold
        Assert.Equal(AlertDecision.None, AlertEngine.Decide(rule, new Observation(AlertCondition.Drawdown, "account:x", double.NaN, T0), null, null));
        var fresh = new AlertRule("sync-age", AlertCondition.Metric, 10, ["m"], Subject: "orders-per-second", Above: false);
        Assert.Equal(AlertDecision.Raise, AlertEngine.Decide(fresh, new Observation(AlertCondition.Metric, "orders-per-second", 9.5, T0), null, null));
        Assert.Equal(AlertDecision.None, AlertEngine.Decide(fresh, new Observation(AlertCondition.Metric, "orders-per-second", 10.5, T0), null, null));
    }

    [Fact]
    public void Escalation_comes_once_after_the_period_and_never_when_acknowledged()
    {
        var rule = Drawdown(escalate: TimeSpan.FromMinutes(15));
        var open = new Episode(7, T0, false, false);
        Assert.False(AlertEngine.DueForEscalation(rule, open, T0.AddMinutes(14)));
        Assert.True(AlertEngine.DueForEscalation(rule, open, T0.AddMinutes(15)));
        Assert.False(AlertEngine.DueForEscalation(rule, open with { Escalated = true }, T0.AddHours(2)));
        Assert.False(AlertEngine.DueForEscalation(rule, open with { Acknowledged = true }, T0.AddHours(2)));
        Assert.False(AlertEngine.DueForEscalation(Drawdown(), open, T0.AddDays(2)));
    }

    [Fact]
    public void Quiet_hours_hold_messages_below_critical_until_they_end_including_over_midnight()
    {
        var rule = new AlertRule("night", AlertCondition.Metric, 1, ["m"], AlertSeverity.Warning, QuietFromHour: 22, QuietToHour: 6);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 6, 0, 0, TimeSpan.Zero), rule.SendFrom(new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 6, 0, 0, TimeSpan.Zero), rule.SendFrom(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero)));
        var noon = new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(noon, rule.SendFrom(noon));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 23, 0, 0, TimeSpan.Zero), (rule with { Severity = AlertSeverity.Critical }).SendFrom(new DateTimeOffset(2026, 3, 3, 23, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Bad_rules_are_refused_naming_the_field_and_conditions_read_by_their_wire_names()
    {
        Assert.StartsWith("name", new AlertRule("Bad Name", AlertCondition.Metric, 1, ["m"]).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("channels", new AlertRule("ok", AlertCondition.Metric, 1, []).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("threshold", new AlertRule("ok", AlertCondition.Metric, double.NaN, ["m"]).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("quiet hours need", new AlertRule("ok", AlertCondition.Metric, 1, ["m"], QuietFromHour: 3).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("escalate-after", new AlertRule("ok", AlertCondition.Metric, 1, ["m"], EscalateAfter: TimeSpan.FromSeconds(5)).Problem(), StringComparison.Ordinal);
        Assert.Null(Drawdown().Problem());
        Assert.Equal("latency-p99", AlertRule.Wire(AlertCondition.LatencyP99));
        Assert.Equal(AlertCondition.BreakerTripped, AlertRule.ParseCondition("breaker-tripped"));
        Assert.Contains("sync-failed", Assert.Throws<ArgumentException>(() => AlertRule.ParseCondition("sync-exploded")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_watch_counts_minutes_since_progress_last_changed_and_reports_an_ended_job_once_at_zero()
    {
        var watch = new ProgressWatch();
        var started = T0.AddMinutes(-40);
        // First look: a job with no progress yet counts from its start; one already under way from this look.
        Assert.Equal([("backtest:a", 40.0), ("backtest:b", 0.0)], watch.Look([("backtest:a", "queued 0", started), ("backtest:b", "paths 0.5", T0)], T0));
        // Ten minutes on: a has not moved (50 minutes), b moved (0), a new sync appears.
        Assert.Equal([("backtest:a", 50.0), ("backtest:b", 0.0), ("sync:s1", 0.0)],
            watch.Look([("backtest:a", "queued 0", started), ("backtest:b", "paths 0.6", T0), ("sync:s1", "crsp/daily fetch 0.1", T0.AddMinutes(10))], T0.AddMinutes(10)));
        // a finished: reported once at zero, then forgotten; b stuck since the last change.
        Assert.Equal([("backtest:b", 20.0), ("sync:s1", 20.0), ("backtest:a", 0.0)],
            watch.Look([("backtest:b", "paths 0.6", T0), ("sync:s1", "crsp/daily fetch 0.1", T0)], T0.AddMinutes(30)));
        Assert.Equal([("backtest:b", 30.0), ("sync:s1", 30.0)], watch.Look([("backtest:b", "paths 0.6", T0), ("sync:s1", "crsp/daily fetch 0.1", T0)], T0.AddMinutes(40)));
        Assert.Equal("gross-exposure", AlertRule.Wire(AlertCondition.GrossExposure));
    }
}
