namespace Research.Console.Cluster;

/// <summary>Keeps trying the silo gateway for up to two minutes at start (the silo may still be starting).</summary>
public sealed partial class GatewayRetryFilter(ILogger<GatewayRetryFilter> logger, TimeProvider clock) : IClientConnectionRetryFilter
{
    private readonly DateTimeOffset _giveUpAt = clock.GetUtcNow().AddMinutes(2);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() > _giveUpAt)
        {
            LogGaveUp(logger, exception);
            return false;
        }

        LogRetrying(logger, exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not reach a silo gateway for two minutes; giving up.")]
    private static partial void LogGaveUp(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo gateway not reachable yet ({Message}); retrying.")]
    private static partial void LogRetrying(ILogger logger, string message);
}
