using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Alerts;

/// <summary>A measured value of a condition (wire name: <c>breaker-tripped</c>, <c>drawdown</c>, <c>metric</c>...) for a subject.</summary>
[GenerateSerializer, Immutable, Alias("research.alerts.Observation")]
public sealed record AlertObservationView(
    [property: Id(0)] string Condition,
    [property: Id(1)] string Subject,
    [property: Id(2)] double Value,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? Detail = null);

/// <summary>An alert rule as clients see and send it (durations in minutes; see <c>Research.Alerts.AlertRule</c>).</summary>
[GenerateSerializer, Immutable, Alias("research.alerts.Rule")]
public sealed record AlertRuleView(
    [property: Id(0)] string Name,
    [property: Id(1)] string Condition,
    [property: Id(2)] double Threshold,
    [property: Id(3)] string[] Channels,
    [property: Id(4)] string Severity = "warning",
    [property: Id(5)] string Subject = "*",
    [property: Id(6)] bool Above = true,
    [property: Id(7)] double? ThrottleMinutes = null,
    [property: Id(8)] double? EscalateAfterMinutes = null,
    [property: Id(9)] string[]? EscalationChannels = null,
    [property: Id(10)] int? QuietFromHour = null,
    [property: Id(11)] int? QuietToHour = null,
    [property: Id(12)] bool Enabled = true);

/// <summary>A delivery channel as shown: its settings, and only whether a secret is set.</summary>
[GenerateSerializer, Immutable, Alias("research.alerts.Channel")]
public sealed record AlertChannelView([property: Id(0)] string Name, [property: Id(1)] string Kind, [property: Id(2)] Dictionary<string, string> Settings, [property: Id(3)] bool SecretSet);

/// <summary>A channel as entered: a null secret keeps the stored one.</summary>
[GenerateSerializer, Immutable, Alias("research.alerts.ChannelInput")]
public sealed record AlertChannelInput([property: Id(0)] string Name, [property: Id(1)] string Kind, [property: Id(2)] Dictionary<string, string> Settings, [property: Id(3)] string? Secret)
{
    public override string ToString() => $"{Name} ({Kind}, secret {(Secret is null ? "unchanged" : "given")})";
}

[GenerateSerializer, Immutable, Alias("research.alerts.Delivery")]
public sealed record AlertDeliveryView(
    [property: Id(0)] string Channel,
    [property: Id(1)] bool Escalation,
    [property: Id(2)] string Status,
    [property: Id(3)] int Attempts,
    [property: Id(4)] string? LastReason,
    [property: Id(5)] DateTimeOffset NotBefore,
    [property: Id(6)] DateTimeOffset? SentAt);

/// <summary>An alert: the rule, what was observed against which threshold, its state (open, acknowledged, resolved) and deliveries.</summary>
[GenerateSerializer, Immutable, Alias("research.alerts.Alert")]
public sealed record AlertView(
    [property: Id(0)] long Id,
    [property: Id(1)] string Rule,
    [property: Id(2)] string Condition,
    [property: Id(3)] string Subject,
    [property: Id(4)] string Severity,
    [property: Id(5)] double Value,
    [property: Id(6)] double Threshold,
    [property: Id(7)] string? Detail,
    [property: Id(8)] DateTimeOffset RaisedAt,
    [property: Id(9)] string State,
    [property: Id(10)] DateTimeOffset? ResolvedAt,
    [property: Id(11)] string? AcknowledgedBy,
    [property: Id(12)] string? Comment,
    [property: Id(13)] bool Escalated,
    [property: Id(14)] int Folded,
    [property: Id(15)] AlertDeliveryView[] Deliveries);

[GenerateSerializer, Immutable, Alias("research.alerts.Attempt")]
public sealed record AlertAttemptView(
    [property: Id(0)] string Channel,
    [property: Id(1)] bool Escalation,
    [property: Id(2)] int Number,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] bool Delivered,
    [property: Id(5)] string? Reason);

/// <summary>What an observation did under one rule: raise (with the new alert's id), throttled, continue, resolve.</summary>
[GenerateSerializer, Immutable, Alias("research.alerts.Outcome")]
public sealed record AlertOutcomeView([property: Id(0)] string Rule, [property: Id(1)] string Decision, [property: Id(2)] long? AlertId);

/// <summary>
/// The alert service (one grain, key 0): rules and channels, observations evaluated against the rules (deduplicated,
/// throttled, escalated), alerts and their deliveries kept in the relational store and delivered with retries; a
/// restart resumes what was not delivered.
/// </summary>
public interface IAlertGrain : IGrainWithIntegerKey
{
    /// <summary>Evaluates an observation against every rule; platform grains send trips, failed syncs and jobs here.</summary>
    [Alias("observe")]
    [RequiresAction(ResearchActions.AlertsReport)]
    Task<AlertOutcomeView[]> ObserveAsync(AlertObservationView observation);

    [Alias("rules")]
    [RequiresAction(ResearchActions.AlertsView)]
    Task<AlertRuleView[]> RulesAsync();

    [Alias("put-rule")]
    [RequiresAction(ResearchActions.AlertsEdit)]
    Task<AlertRuleView> PutRuleAsync(AlertRuleView rule);

    [Alias("delete-rule")]
    [RequiresAction(ResearchActions.AlertsEdit)]
    Task<bool> DeleteRuleAsync(string name);

    [Alias("channels")]
    [RequiresAction(ResearchActions.AlertsView)]
    Task<AlertChannelView[]> ChannelsAsync();

    [Alias("put-channel")]
    [RequiresAction(ResearchActions.AlertsEdit)]
    Task<AlertChannelView> PutChannelAsync(AlertChannelInput channel);

    [Alias("delete-channel")]
    [RequiresAction(ResearchActions.AlertsEdit)]
    Task<bool> DeleteChannelAsync(string name);

    /// <summary>Sends a test message on a channel now (one attempt per retry, not stored as an alert); returns the attempts.</summary>
    [Alias("test-channel")]
    [RequiresAction(ResearchActions.AlertsEdit)]
    Task<AlertAttemptView[]> TestChannelAsync(string name);

    [Alias("history")]
    [RequiresAction(ResearchActions.AlertsView)]
    Task<AlertView[]> HistoryAsync(int limit);

    /// <summary>The message a rule would send for <paramref name="value"/> on <paramref name="subject"/> (title, then body); checks the rule, changes nothing.</summary>
    [Alias("preview")]
    [RequiresAction(ResearchActions.AlertsView)]
    Task<string[]> PreviewAsync(AlertRuleView rule, string subject, double value);

    [Alias("attempts")]
    [RequiresAction(ResearchActions.AlertsView)]
    Task<AlertAttemptView[]> AttemptsAsync(long alertId);

    [Alias("ack")]
    [RequiresAction(ResearchActions.AlertsAck)]
    Task<AlertView> AcknowledgeAsync(long alertId, string comment);

    /// <summary>Delivers what is due (the grain's own kick after raising; also on its timer and reminder).</summary>
    [Alias("deliver-due")]
    [OneWay]
    [PlatformInternal("the alert grain's own kick to deliver what is due; delivering only what is already stored is safe")]
    Task DeliverDueAsync();
}
