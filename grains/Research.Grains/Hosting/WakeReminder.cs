using Microsoft.Extensions.Logging;

namespace Research.Grains.Hosting;

/// <summary>
/// A durable reminder that keeps a grain with unfinished work alive across silo loss: the reminder service (on the
/// surviving silos) calls the grain every minute, which reactivates it on a live silo if its silo died, and its own
/// activation logic resumes the work. The reminder is a safety net, not the work: registering or removing it may fail
/// (the reminder service is being rebalanced after a silo loss) and is then tried again by the caller's next tick.
/// </summary>
public static class WakeReminder
{
    /// <summary>The reminder's name.</summary>
    public const string Name = "wake";

    /// <summary>The period (Orleans' default minimum).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>Registers the reminder; true when it is registered.</summary>
    public static async Task<bool> TryRegisterAsync(IGrainBase grain, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            await grain.RegisterOrUpdateReminder(Name, Period, Period).ConfigureAwait(true);
            return true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning(e, "Could not register the wake reminder of {Grain}; trying again at the next tick", grain.GrainContext.GrainId);
            return false;
        }
    }

    /// <summary>Removes the reminder; true when it is gone.</summary>
    public static async Task<bool> TryRemoveAsync(IGrainBase grain, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            if (await grain.GetReminder(Name).ConfigureAwait(true) is { } reminder)
            {
                await grain.UnregisterReminder(reminder).ConfigureAwait(true);
            }

            return true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning(e, "Could not remove the wake reminder of {Grain}; trying again at the next tick", grain.GrainContext.GrainId);
            return false;
        }
    }

    /// <summary>Whether the reminder is registered (false when the reminder service cannot say).</summary>
    public static async Task<bool> IsRegisteredAsync(IGrainBase grain, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            return await grain.GetReminder(Name, cancellationToken).ConfigureAwait(true) is not null;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning(e, "Could not read the wake reminder of {Grain}", grain.GrainContext.GrainId);
            return false;
        }
    }
}
