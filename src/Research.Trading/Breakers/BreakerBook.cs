namespace Research.Trading.Breakers;

/// <summary>One change of a breaker (or a refused reset), kept in its history.</summary>
/// <param name="Action">trip, reset or reset-refused.</param>
/// <param name="Source">manual, or the rule that tripped it (drawdown, daily-loss, order-errors, stale-data, position-limit).</param>
public sealed record BreakerEvent(DateTimeOffset At, string Action, string By, string Source, string Reason);

/// <summary>Thrown when a reset is refused (not tripped, too soon after the last reset, no step-up); the breaker is unchanged.</summary>
public sealed class BreakerResetRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// A circuit breaker's state and rules of change, without I/O (the grain persists it):
/// - closed until tripped; a trip by hand or by a rule records who, why and which rule; tripping a tripped breaker
///   keeps the first trip and adds the new reason to the history;
/// - a reset closes it; it needs a reason, is refused when the breaker is closed, and at most one reset per
///   <see cref="ResetInterval"/> is allowed (a refused reset is recorded too);
/// - the history keeps the last <see cref="HistoryLimit"/> events.
/// </summary>
public sealed class BreakerBook
{
    public static readonly TimeSpan ResetInterval = TimeSpan.FromMinutes(1);
    public const int HistoryLimit = 500;

    public bool Tripped { get; set; }

    public DateTimeOffset? TrippedAt { get; set; }

    public string? TrippedBy { get; set; }

    public string? TrippedSource { get; set; }

    public string? TrippedReason { get; set; }

    public DateTimeOffset? LastReset { get; set; }

    public List<BreakerEvent> History { get; set; } = [];

    /// <summary>Trips the breaker; true when it was closed (a change), false when it was already tripped.</summary>
    public bool Trip(string by, string source, string reason, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Add(new BreakerEvent(at, "trip", by, source, reason));
        if (Tripped)
        {
            return false;
        }

        (Tripped, TrippedAt, TrippedBy, TrippedSource, TrippedReason) = (true, at, by, source, reason);
        return true;
    }

    /// <summary>Closes a tripped breaker, or throws <see cref="BreakerResetRefusedException"/> saying why not (and records the refusal).</summary>
    public void Reset(string by, string reason, DateTimeOffset at)
    {
        var refusal = string.IsNullOrWhiteSpace(reason) ? "a reset needs a reason"
            : !Tripped ? "the breaker is not tripped"
            : LastReset is { } last && at - last < ResetInterval
                ? $"the breaker was reset at {last:yyyy-MM-dd HH:mm:ss} UTC; one reset per minute at most (next from {last + ResetInterval:HH:mm:ss} UTC)"
            : null;
        if (refusal is not null)
        {
            Refuse(by, reason, refusal, at);
        }

        Add(new BreakerEvent(at, "reset", by, "manual", reason));
        (Tripped, TrippedAt, TrippedBy, TrippedSource, TrippedReason, LastReset) = (false, null, null, null, null, at);
    }

    /// <summary>Records a refused reset and throws with <paramref name="why"/> (for refusals decided outside the book, such as a missing step-up).</summary>
    public void Refuse(string by, string reason, string why, DateTimeOffset at)
    {
        Add(new BreakerEvent(at, "reset-refused", by, "manual", string.IsNullOrWhiteSpace(reason) ? why : $"{reason} (refused: {why})"));
        throw new BreakerResetRefusedException($"Reset refused: {why}.");
    }

    private void Add(BreakerEvent e)
    {
        History.Add(e);
        if (History.Count > HistoryLimit)
        {
            History.RemoveRange(0, History.Count - HistoryLimit);
        }
    }
}
