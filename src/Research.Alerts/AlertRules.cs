using System.Globalization;
using System.Text.RegularExpressions;

namespace Research.Alerts;

/// <summary>What a rule watches. Events (a trip, a failed sync or job) report 1 while the condition holds and 0 when it clears.</summary>
public enum AlertCondition
{
    BreakerTripped,
    Drawdown,
    DailyLoss,
    PositionLimit,
    LatencyP99,
    SyncFailed,
    SyncStale,
    DataQuality,
    JobFailed,
    JobStuck,
    Metric,
    GrossExposure,
    RiskBudget,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// An alert rule: when an observation of <see cref="Condition"/> for a subject matching <see cref="Subject"/> is at or
/// above <see cref="Threshold"/> (at or below when <see cref="Above"/> is false), the condition is true for that
/// subject. While it stays true one alert stands (one message per channel); a new episode within
/// <see cref="Throttle"/> of the last message is folded into the count, not sent. Unacknowledged after
/// <see cref="EscalateAfter"/>, it is sent once more, marked escalated, to <see cref="EscalationChannels"/> (or the
/// same channels). In quiet hours (<see cref="QuietFromHour"/> to <see cref="QuietToHour"/>, UTC) messages of rules
/// below critical wait for the end of the quiet hours.
/// </summary>
public sealed partial record AlertRule(
    string Name,
    AlertCondition Condition,
    double Threshold,
    string[] Channels,
    AlertSeverity Severity = AlertSeverity.Warning,
    string Subject = "*",
    bool Above = true,
    TimeSpan? Throttle = null,
    TimeSpan? EscalateAfter = null,
    string[]? EscalationChannels = null,
    int? QuietFromHour = null,
    int? QuietToHour = null,
    bool Enabled = true)
{
    /// <summary>Default throttle: an hour.</summary>
    public static readonly TimeSpan DefaultThrottle = TimeSpan.FromHours(1);

    public TimeSpan ThrottleOrDefault => Throttle ?? DefaultThrottle;

    /// <summary>What is wrong with the rule, naming the field, or null.</summary>
    public string? Problem() =>
        !NamePattern().IsMatch(Name ?? string.Empty) ? $"name '{Name}' must be 1 to 48 lower-case letters, digits, '-' or '_', starting with a letter"
        : !double.IsFinite(Threshold) ? "threshold must be a number"
        : Channels is null || Channels.Length == 0 ? "channels: name at least one channel"
        : Channels.Concat(EscalationChannels ?? []).FirstOrDefault(c => !NamePattern().IsMatch(c ?? string.Empty)) is { } bad ? $"channel '{bad}' is not a channel name"
        : string.IsNullOrWhiteSpace(Subject) || Subject.Length > 128 ? "subject must be '*', a name, or a prefix ending in '*' (at most 128 characters)"
        : ThrottleOrDefault < TimeSpan.Zero || ThrottleOrDefault > TimeSpan.FromDays(7) ? "throttle must be from 0 to 7 days"
        : EscalateAfter is { } e && (e < TimeSpan.FromMinutes(1) || e > TimeSpan.FromDays(7)) ? "escalate-after must be from 1 minute to 7 days"
        : (QuietFromHour is null) != (QuietToHour is null) ? "quiet hours need both a start and an end hour"
        : QuietFromHour is { } f && (f is < 0 or > 23 || QuietToHour is < 0 or > 23 || f == QuietToHour) ? "quiet hours are two different hours from 0 to 23 (UTC)"
        : null;

    /// <summary>Whether <paramref name="subject"/> is one this rule watches: '*', an exact name, or a prefix ending in '*'.</summary>
    public bool Covers(string subject) =>
        Subject == "*" || (Subject.EndsWith('*') ? subject.StartsWith(Subject[..^1], StringComparison.Ordinal) : subject == Subject);

    /// <summary>Whether <paramref name="value"/> makes the condition true.</summary>
    public bool Fires(double value) => double.IsFinite(value) && (Above ? value >= Threshold : value <= Threshold);

    /// <summary>When a message raised at <paramref name="now"/> may go out: now, or the end of the quiet hours for a rule below critical.</summary>
    public DateTimeOffset SendFrom(DateTimeOffset now)
    {
        if (QuietFromHour is not { } from || QuietToHour is not { } to || Severity == AlertSeverity.Critical)
        {
            return now;
        }

        var hour = now.UtcDateTime.Hour;
        var quiet = from < to ? hour >= from && hour < to : hour >= from || hour < to;
        if (!quiet)
        {
            return now;
        }

        var end = new DateTimeOffset(now.UtcDateTime.Date.AddHours(to), TimeSpan.Zero);
        return end > now ? end : end.AddDays(1);
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Wire(Condition)} {(Subject == "*" ? "(any)" : Subject)} {(Above ? ">=" : "<=")} {Threshold:G6}");

    /// <summary>The condition's wire name (<c>breaker-tripped</c>, <c>latency-p99</c>).</summary>
    public static string Wire(AlertCondition condition) => Regex.Replace(condition.ToString(), "(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Z])", "-").ToLowerInvariant();

    /// <summary>A condition from its wire name; throws naming the known ones.</summary>
    public static AlertCondition ParseCondition(string text)
    {
        var wanted = text?.Trim().ToLowerInvariant();
        foreach (var c in Enum.GetValues<AlertCondition>())
        {
            if (Wire(c) == wanted)
            {
                return c;
            }
        }

        throw new ArgumentException($"condition '{text}' is not one of {string.Join(", ", Enum.GetValues<AlertCondition>().Select(Wire))}.");
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,47}$")]
    private static partial Regex NamePattern();
}

/// <summary>Something measured: a condition's value for a subject (an account, a dataset, a metric name) at a time, with detail for the message.</summary>
public sealed record Observation(AlertCondition Condition, string Subject, double Value, DateTimeOffset At, string? Detail = null);

/// <summary>A rule's standing alert for one subject (an episode of the condition being true).</summary>
public sealed record Episode(long AlertId, DateTimeOffset Since, bool Acknowledged, bool Escalated);

/// <summary>What an observation does under a rule.</summary>
public enum AlertDecision
{
    /// <summary>Nothing to do (the condition is false and no alert stands).</summary>
    None,

    /// <summary>A new alert: send it.</summary>
    Raise,

    /// <summary>The condition is true again within the throttle of the last message: counted, not sent.</summary>
    Throttled,

    /// <summary>The alert stands; the condition is still true: no new message.</summary>
    Continue,

    /// <summary>The condition cleared: the standing alert resolves.</summary>
    Resolve,
}

/// <summary>The rule logic without storage: deduplication, throttling, escalation.</summary>
public static class AlertEngine
{
    /// <param name="standing">The rule's open alert for the observation's subject, if any.</param>
    /// <param name="lastMessage">When the rule last sent a message for that subject, if ever.</param>
    public static AlertDecision Decide(AlertRule rule, Observation observation, Episode? standing, DateTimeOffset? lastMessage)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(observation);
        if (!rule.Enabled || rule.Condition != observation.Condition || !rule.Covers(observation.Subject))
        {
            return AlertDecision.None;
        }

        var fires = rule.Fires(observation.Value);
        return (fires, standing) switch
        {
            (true, not null) => AlertDecision.Continue,
            (true, null) when lastMessage is { } last && observation.At - last < rule.ThrottleOrDefault => AlertDecision.Throttled,
            (true, null) => AlertDecision.Raise,
            (false, not null) => AlertDecision.Resolve,
            _ => AlertDecision.None,
        };
    }

    /// <summary>Whether a standing alert is due for its one escalation at <paramref name="now"/>.</summary>
    public static bool DueForEscalation(AlertRule rule, Episode standing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(standing);
        return rule.EscalateAfter is { } after && !standing.Acknowledged && !standing.Escalated && now - standing.Since >= after;
    }
}

/// <summary>
/// How long each running thing (a backtest job, a sync) has gone without progress, from successive looks at it: the
/// minutes since its progress text last changed. A thing seen for the first time counts from the time the caller says
/// progress was last known (its start when it shows none yet, the look itself otherwise); a thing no longer running is
/// reported once more with zero minutes, so a standing alert on it resolves.
/// </summary>
public sealed class ProgressWatch
{
    private readonly Dictionary<string, (string Progress, DateTimeOffset Since)> _seen = new(StringComparer.Ordinal);

    /// <param name="running">Each running thing: its subject, its progress as text (stage and fraction), and when progress was last known if it is new.</param>
    public IReadOnlyList<(string Subject, double Minutes)> Look(IEnumerable<(string Subject, string Progress, DateTimeOffset KnownSince)> running, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(running);
        var result = new List<(string, double)>();
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (subject, progress, knownSince) in running)
        {
            current.Add(subject);
            if (!_seen.TryGetValue(subject, out var seen) || seen.Progress != progress)
            {
                seen = (progress, seen.Progress is null ? Min(knownSince, now) : now);
                _seen[subject] = seen;
            }

            result.Add((subject, Math.Max(0, (now - seen.Since).TotalMinutes)));
        }

        foreach (var ended in _seen.Keys.Where(k => !current.Contains(k)).ToList())
        {
            _seen.Remove(ended);
            result.Add((ended, 0));
        }

        return result;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
