using System.Globalization;
using Microsoft.Extensions.Logging;
using Research.Alerts;
using Research.Grains.Abstractions.Alerts;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Alerts;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Security;

namespace Research.Grains.Alerts;

/// <summary>
/// How alerts are delivered: the console address the messages link to, attempts per delivery round (transient
/// failures retried with exponential backoff from <see cref="FirstRetryDelay"/>, with jitter), and the wait after a
/// failed round (doubling from <see cref="RoundDelay"/> up to <see cref="MaxRoundDelay"/>).
/// </summary>
public sealed record AlertOptions
{
    public const string Section = "Research:Alerts";

    public Uri ConsoleUrl { get; init; } = new("http://localhost:5000/");

    public int AttemptsPerRound { get; init; } = 3;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RoundDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRoundDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the grain looks for due deliveries and escalations while active.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the swept conditions (latency, stale syncs, data quality, stuck jobs) are looked at while a rule watches them.</summary>
    public TimeSpan Sweep { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls an operation needs in the health grain's last minute before its p99 is observed (fewer say little).</summary>
    public int LatencyMinimumCalls { get; init; } = 20;
}

/// <summary>
/// The alert service (<see cref="IAlertGrain"/>). Every alert and delivery is stored before anything is sent, and a
/// delivery is marked sent in the same transaction as its attempts; on activation (a reminder brings it back after a
/// silo restart) it delivers whatever is due. A crash between a channel's acceptance and the store's write can send that
/// message again (at least once, not exactly once: no channel here offers an idempotency key).
/// </summary>
public sealed partial class AlertGrain(
    AlertStore store,
    AlertSender sender,
    AlertOptions options,
    SecurityStorage security,
    TimeProvider clock,
    ILogger<AlertGrain> logger) : Grain, IAlertGrain, IRemindable
{
    private IReadOnlyList<AlertRule> _rules = [];
    private bool _kicked;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rules = await store.RulesAsync(cancellationToken).ConfigureAwait(true);
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Tick, options.Tick) { KeepAlive = true, Interleave = false });
        await Hosting.WakeReminder.TryRegisterAsync(this, logger).ConfigureAwait(true);
        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
        Kick(); // after a restart: what was not delivered goes now, not at the next tick
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => TickAsync(CancellationToken.None);

    public async Task<AlertOutcomeView[]> ObserveAsync(AlertObservationView observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var condition = AlertRule.ParseCondition(observation.Condition);
        if (string.IsNullOrWhiteSpace(observation.Subject) || observation.Subject.Length > 128 || !double.IsFinite(observation.Value))
        {
            throw new ArgumentException("observation: a subject of 1 to 128 characters and a finite value are needed.");
        }

        return await ObserveCoreAsync(new Observation(condition, observation.Subject.Trim(), observation.Value, observation.At == default ? clock.GetUtcNow() : observation.At, observation.Detail)).ConfigureAwait(true);
    }

    private async Task<AlertOutcomeView[]> ObserveCoreAsync(Observation seen)
    {
        var condition = seen.Condition;
        var outcomes = new List<AlertOutcomeView>();
        foreach (var rule in _rules.Where(r => r.Enabled && r.Condition == condition && r.Covers(seen.Subject)))
        {
            var (standing, last) = await store.StandingAsync(rule.Name, seen.Subject).ConfigureAwait(true);
            var decision = AlertEngine.Decide(rule, seen, standing, last?.RaisedAt);
            long? id = null;
            switch (decision)
            {
                case AlertDecision.Raise:
                    id = await store.RaiseAsync(rule, seen, rule.Channels, rule.SendFrom(clock.GetUtcNow())).ConfigureAwait(true);
                    LogRaised(logger, id.Value, rule.Name, seen.Subject, seen.Value);
                    Kick();
                    break;
                case AlertDecision.Throttled:
                    id = last!.Value.AlertId;
                    await store.FoldAsync(id.Value).ConfigureAwait(true);
                    break;
                case AlertDecision.Continue:
                    id = standing!.AlertId;
                    break;
                case AlertDecision.Resolve:
                    id = standing!.AlertId;
                    await store.ResolveAsync(id.Value, seen.At).ConfigureAwait(true);
                    break;
            }

            if (decision != AlertDecision.None)
            {
                outcomes.Add(new AlertOutcomeView(rule.Name, decision.ToString().ToLowerInvariant(), id));
            }
        }

        return [.. outcomes];
    }

    public Task<AlertRuleView[]> RulesAsync() => Task.FromResult(_rules.Select(View).ToArray());

    public async Task<AlertRuleView> PutRuleAsync(AlertRuleView rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var parsed = Parse(rule);
        var channels = (await store.ChannelsAsync().ConfigureAwait(true)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (parsed.Channels.Concat(parsed.EscalationChannels ?? []).FirstOrDefault(c => !channels.Contains(c)) is { } missing)
        {
            throw new ArgumentException($"rule {parsed.Name}: channel '{missing}' does not exist (channels: {(channels.Count == 0 ? "none yet" : string.Join(", ", channels.Order()))}).");
        }

        await store.PutRuleAsync(parsed, Actor, clock.GetUtcNow()).ConfigureAwait(true);
        _rules = await store.RulesAsync().ConfigureAwait(true);
        await AuditAsync("alerts.rule.put", parsed.Name, parsed.Describe() + $" -> {string.Join(",", parsed.Channels)}").ConfigureAwait(true);
        return View(parsed);
    }

    public async Task<bool> DeleteRuleAsync(string name)
    {
        var deleted = await store.DeleteRuleAsync(name ?? string.Empty).ConfigureAwait(true);
        _rules = await store.RulesAsync().ConfigureAwait(true);
        if (deleted)
        {
            await AuditAsync("alerts.rule.delete", name!, null).ConfigureAwait(true);
        }

        return deleted;
    }

    public async Task<AlertChannelView[]> ChannelsAsync() => [.. (await store.ChannelsAsync().ConfigureAwait(true)).Select(View)];

    public async Task<AlertChannelView> PutChannelAsync(AlertChannelInput channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var kind = channel.Kind?.Trim().ToLowerInvariant() switch
        {
            "email" => ChannelKind.Email,
            "slack" => ChannelKind.Slack,
            "sms" => ChannelKind.Sms,
            _ => throw new ArgumentException($"channel kind '{channel.Kind}' is not email, slack or sms."),
        };
        if (new AlertRule(channel.Name ?? string.Empty, AlertCondition.Metric, 0, [channel.Name ?? string.Empty]).Problem() is { } nameProblem && nameProblem.StartsWith("name", StringComparison.Ordinal))
        {
            throw new ArgumentException("channel " + nameProblem + ".");
        }

        var stored = (await store.ChannelsAsync().ConfigureAwait(true)).FirstOrDefault(c => c.Name == channel.Name);
        var candidate = new AlertChannel(channel.Name!, kind, new Dictionary<string, string>(channel.Settings ?? [], StringComparer.Ordinal), channel.Secret ?? stored?.Secret);
        if (candidate.Problem() is { } problem)
        {
            throw new ArgumentException($"channel {channel.Name}: {problem}.");
        }

        await store.PutChannelAsync(candidate with { Secret = channel.Secret }, Actor, clock.GetUtcNow()).ConfigureAwait(true);
        await AuditAsync("alerts.channel.put", candidate.Name, $"{kind.ToString().ToLowerInvariant()}; secret {(channel.Secret is null ? "unchanged" : "replaced")}").ConfigureAwait(true);
        Kick(); // deliveries that failed for want of this channel may go now
        return View(candidate);
    }

    public async Task<bool> DeleteChannelAsync(string name)
    {
        if (_rules.FirstOrDefault(r => r.Channels.Concat(r.EscalationChannels ?? []).Contains(name)) is { } user)
        {
            throw new InvalidOperationException($"channel {name} is used by rule {user.Name}; change the rule first.");
        }

        var deleted = await store.DeleteChannelAsync(name ?? string.Empty).ConfigureAwait(true);
        if (deleted)
        {
            await AuditAsync("alerts.channel.delete", name!, null).ConfigureAwait(true);
        }

        return deleted;
    }

    public async Task<AlertAttemptView[]> TestChannelAsync(string name)
    {
        var channel = (await store.ChannelsAsync().ConfigureAwait(true)).FirstOrDefault(c => c.Name == name)
            ?? throw new ArgumentException($"there is no channel '{name}'.");
        var message = new AlertMessage(0, $"[TEST] a test message from the research platform's alert channel {name}",
            $"Sent by {Actor} at {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC to check channel {name}. No alert was raised.\nConsole: {options.ConsoleUrl}", AlertSeverity.Info, options.ConsoleUrl, false);
        var attempts = await sender.DeliverAsync(channel, message, options.AttemptsPerRound, options.FirstRetryDelay, 1, CancellationToken.None).ConfigureAwait(true);
        await AuditAsync("alerts.channel.test", name, attempts.Any(a => a.Delivered) ? "delivered" : "failed: " + attempts[^1].Reason).ConfigureAwait(true);
        return [.. attempts.Select(a => new AlertAttemptView(name, false, a.Number, a.At, a.Delivered, a.Reason))];
    }

    public async Task<AlertView[]> HistoryAsync(int limit) =>
        [.. (await store.HistoryAsync(Math.Clamp(limit, 1, 1_000)).ConfigureAwait(true)).Select(View)];

    public async Task<AlertAttemptView[]> AttemptsAsync(long alertId) =>
        [.. (await store.AttemptsAsync(alertId).ConfigureAwait(true)).Select(a => new AlertAttemptView(a.Channel, a.Escalation, a.Attempt.Number, a.Attempt.At, a.Attempt.Delivered, a.Attempt.Reason))];

    public async Task<AlertView> AcknowledgeAsync(long alertId, string comment)
    {
        var text = comment?.Trim() is { Length: > 0 and <= 500 } c ? c : throw new ArgumentException("comment: say what was done or why, in 1 to 500 characters.");
        if (!await store.AcknowledgeAsync(alertId, Actor, text, clock.GetUtcNow()).ConfigureAwait(true))
        {
            throw new ArgumentException($"there is no alert {alertId}.");
        }

        await AuditAsync("alerts.ack", alertId.ToString(CultureInfo.InvariantCulture), text).ConfigureAwait(true);
        return View((await store.HistoryAsync(1, alertId).ConfigureAwait(true))[0]);
    }

    public async Task DeliverDueAsync()
    {
        _kicked = false;
        await TickAsync(CancellationToken.None).ConfigureAwait(true);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        await SweepIfDueAsync().ConfigureAwait(true);
        await EscalateAsync().ConfigureAwait(true);
        await DeliverAsync().ConfigureAwait(true);
    }

    /// <summary>Adds the escalation's deliveries to open, unacknowledged alerts whose rule's escalate-after has passed.</summary>
    private async Task EscalateAsync()
    {
        if (!_rules.Any(r => r.EscalateAfter is not null))
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var alert in (await store.HistoryAsync(500).ConfigureAwait(true)).Where(a => a.State == "open" && !a.Escalated))
        {
            if (_rules.FirstOrDefault(r => r.Name == alert.Rule) is { } rule && AlertEngine.DueForEscalation(rule, new Episode(alert.AlertId, alert.RaisedAt, false, false), now))
            {
                await store.EscalateAsync(alert.AlertId, rule.EscalationChannels ?? rule.Channels, rule.SendFrom(now)).ConfigureAwait(true);
                LogEscalated(logger, alert.AlertId, rule.Name);
            }
        }
    }

    private async Task DeliverAsync()
    {
        var now = clock.GetUtcNow();
        var due = await store.DueAsync(now, 200).ConfigureAwait(true);
        if (due.Count == 0)
        {
            return;
        }

        var channels = (await store.ChannelsAsync().ConfigureAwait(true)).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var alerts = new Dictionary<long, StoredAlert>();
        foreach (var delivery in due)
        {
            if (!alerts.TryGetValue(delivery.AlertId, out var alert))
            {
                alert = (await store.HistoryAsync(1, delivery.AlertId).ConfigureAwait(true))[0];
                alerts[delivery.AlertId] = alert;
            }

            IReadOnlyList<DeliveryAttempt> attempts = channels.TryGetValue(delivery.Channel, out var channel)
                ? await sender.DeliverAsync(channel, Message(alert, delivery.Escalation), options.AttemptsPerRound, options.FirstRetryDelay, delivery.Attempts + 1, CancellationToken.None).ConfigureAwait(true)
                : [new DeliveryAttempt(delivery.Attempts + 1, clock.GetUtcNow(), false, $"channel {delivery.Channel} does not exist (deleted after the rule named it)")];
            var delivered = attempts.Any(a => a.Delivered);
            var rounds = (delivery.Attempts / Math.Max(1, options.AttemptsPerRound)) + 1;
            var wait = TimeSpan.FromTicks(Math.Min(options.MaxRoundDelay.Ticks, options.RoundDelay.Ticks * (1L << Math.Min(rounds - 1, 20))));
            var retryAt = delivered ? (DateTimeOffset?)null : clock.GetUtcNow() + (wait * (0.8 + (0.4 * Random.Shared.NextDouble())));
            await store.RecordAsync(delivery, attempts, retryAt).ConfigureAwait(true);
            if (!delivered)
            {
                LogFailed(logger, delivery.AlertId, delivery.Channel, attempts[^1].Reason ?? "unknown", retryAt!.Value);
            }
        }
    }

    public Task<string[]> PreviewAsync(AlertRuleView rule, string subject, double value)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var parsed = Parse(rule);
        var at = clock.GetUtcNow();
        var message = Message(parsed, new StoredAlert(0, parsed.Name, parsed.Condition, string.IsNullOrWhiteSpace(subject) ? "(subject)" : subject.Trim(), parsed.Severity, value, parsed.Threshold,
            "(the reporter's detail)", at, "open", null, null, null, null, false, 0, []), escalation: false);
        return Task.FromResult(new[] { message.Title, message.Body.Replace("(alert 0)", "(alert N: its number once raised)", StringComparison.Ordinal).Replace("ack 0 ", "ack N ", StringComparison.Ordinal) });
    }

    /// <summary>The message: the rule, the value against the threshold, when, the detail and a link to the console page that shows the subject.</summary>
    private AlertMessage Message(StoredAlert alert, bool escalation) => Message(_rules.FirstOrDefault(r => r.Name == alert.Rule), alert, escalation);

    private AlertMessage Message(AlertRule? rule, StoredAlert alert, bool escalation)
    {
        var comparison = rule is { Above: false } ? "<=" : ">=";
        var page = alert.Condition switch
        {
            AlertCondition.BreakerTripped or AlertCondition.Drawdown or AlertCondition.DailyLoss or AlertCondition.PositionLimit or AlertCondition.GrossExposure => "trading",
            AlertCondition.JobFailed => "backtests",
            AlertCondition.RiskBudget => "risk",
            AlertCondition.JobStuck when alert.Subject.StartsWith("backtest:", StringComparison.Ordinal) => "backtests",
            _ => "system-health",
        };
        var link = new Uri(options.ConsoleUrl, page);
        var severity = alert.Severity.ToString().ToUpperInvariant();
        var title = string.Create(CultureInfo.InvariantCulture,
            $"[{severity}]{(escalation ? " ESCALATED" : string.Empty)} {alert.Rule}: {AlertRule.Wire(alert.Condition)} {alert.Subject} = {alert.Value:G6} (threshold {comparison} {alert.Threshold:G6})");
        var body = string.Create(CultureInfo.InvariantCulture, $"""
            Rule: {alert.Rule} ({AlertRule.Wire(alert.Condition)}, {alert.Severity.ToString().ToLowerInvariant()})
            Subject: {alert.Subject}
            Value: {alert.Value:G6}
            Threshold: {comparison} {alert.Threshold:G6}
            Raised: {alert.RaisedAt:yyyy-MM-dd HH:mm:ss} UTC (alert {alert.AlertId})
            {(alert.Detail is { Length: > 0 } d ? "Detail: " + d + "\n" : string.Empty)}{(escalation ? "Not acknowledged in time: escalated.\n" : string.Empty)}Console: {link}
            Acknowledge: research alerts ack {alert.AlertId} --comment "..."
            """);
        return new AlertMessage(alert.AlertId, title, body, alert.Severity, link, escalation);
    }

    private void Kick()
    {
        if (!_kicked)
        {
            _kicked = true;
            this.AsReference<IAlertGrain>().DeliverDueAsync().Ignore();
        }
    }

    private static string Actor => CallerIdentity.Current?.Actor ?? "platform";

    private async Task AuditAsync(string action, string target, string? details) =>
        await security.Audit.AppendAsync(new AuditEntry(Actor, action, target, "ok", null, CallerIdentity.Current?.Origin, details)).ConfigureAwait(true);

    private static AlertRule Parse(AlertRuleView v)
    {
        var severity = v.Severity?.Trim().ToLowerInvariant() switch
        {
            "info" => AlertSeverity.Info,
            "warning" or null or "" => AlertSeverity.Warning,
            "critical" => AlertSeverity.Critical,
            _ => throw new ArgumentException($"severity '{v.Severity}' is not info, warning or critical."),
        };
        var rule = new AlertRule(v.Name?.Trim() ?? string.Empty, AlertRule.ParseCondition(v.Condition), v.Threshold, v.Channels ?? [], severity, v.Subject?.Trim() ?? "*", v.Above,
            v.ThrottleMinutes is { } t ? TimeSpan.FromMinutes(t) : null, v.EscalateAfterMinutes is { } e ? TimeSpan.FromMinutes(e) : null,
            v.EscalationChannels is { Length: > 0 } ec ? ec : null, v.QuietFromHour, v.QuietToHour, v.Enabled);
        return rule.Problem() is { } problem ? throw new ArgumentException($"rule {rule.Name}: {problem}.") : rule;
    }

    private static AlertRuleView View(AlertRule r) => new(r.Name, AlertRule.Wire(r.Condition), r.Threshold, r.Channels, r.Severity.ToString().ToLowerInvariant(), r.Subject, r.Above,
        r.Throttle?.TotalMinutes, r.EscalateAfter?.TotalMinutes, r.EscalationChannels, r.QuietFromHour, r.QuietToHour, r.Enabled);

    private static AlertChannelView View(AlertChannel c) => new(c.Name, c.Kind.ToString().ToLowerInvariant(), new Dictionary<string, string>(c.Settings, StringComparer.Ordinal), !string.IsNullOrEmpty(c.Secret));

    private static AlertView View(StoredAlert a) => new(a.AlertId, a.Rule, AlertRule.Wire(a.Condition), a.Subject, a.Severity.ToString().ToLowerInvariant(), a.Value, a.Threshold, a.Detail,
        a.RaisedAt, a.State, a.ResolvedAt, a.AcknowledgedBy, a.Comment, a.Escalated, a.Folded,
        [.. a.Deliveries.Select(d => new AlertDeliveryView(d.Channel, d.Escalation, d.Status, d.Attempts, d.LastReason, d.NotBefore, d.SentAt))]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} raised by rule {Rule} for {Subject} (value {Value})")]
    private static partial void LogRaised(ILogger logger, long id, string rule, string subject, double value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} escalated (rule {Rule}: not acknowledged in time)")]
    private static partial void LogEscalated(ILogger logger, long id, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id}: delivery on {Channel} failed ({Reason}); next try at {RetryAt:u}")]
    private static partial void LogFailed(ILogger logger, long id, string channel, string reason, DateTimeOffset retryAt);
}
