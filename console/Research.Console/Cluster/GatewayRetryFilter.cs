namespace Research.Console.Cluster;

/// <summary>Keeps trying the silo gateway for up to two minutes at start (the silo may still be starting).</summary>
public sealed class GatewayRetryFilter(ILogger<GatewayRetryFilter> logger, TimeProvider clock) : IClientConnectionRetryFilter
{
    private readonly DateTimeOffset _giveUpAt = clock.GetUtcNow().AddMinutes(2);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() > _giveUpAt)
        {
            logger.LogError(exception, "Could not reach a silo gateway for two minutes; giving up.");
            return false;
        }

        logger.LogWarning("Silo gateway not reachable yet ({Message}); retrying.", exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        return true;
    }
}
