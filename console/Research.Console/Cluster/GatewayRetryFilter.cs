namespace Research.Console.Cluster;

/// <summary>
/// Keeps trying the silo gateways for as long as the console runs (the silos may be starting, or all restarting): the
/// console serves its pages and answers <c>/health</c> as degraded meanwhile. Waits 1 s between attempts, growing to
/// 10 s, and logs a warning at most once a minute.
/// </summary>
public sealed partial class GatewayRetryFilter(ILogger<GatewayRetryFilter> logger, TimeProvider clock) : IClientConnectionRetryFilter
{
    private readonly DateTimeOffset _since = clock.GetUtcNow();
    private DateTimeOffset _lastLog = DateTimeOffset.MinValue;
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _attempts++;
        var now = clock.GetUtcNow();
        if (now - _lastLog >= TimeSpan.FromMinutes(1))
        {
            _lastLog = now;
            LogRetrying(logger, (now - _since).TotalSeconds, _attempts, exception.Message);
        }

        await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, _attempts)), clock, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo gateway reachable for {Seconds:F0} s ({Attempts} attempts; last: {Message}); still trying, /health reports degraded.")]
    private static partial void LogRetrying(ILogger logger, double seconds, int attempts, string message);
}
