namespace Research.Grains.Backtests;

/// <summary>
/// When a job asks a failed unit (a Monte Carlo chunk, a walk-forward shard) again. Retries are by time, not by count,
/// for the failures a lost silo causes: the call is asked again, with capped exponential backoff and jitter, until
/// <see cref="BacktestJobOptions.UnitRetryFor"/> has passed since the unit's first attempt. That bound exceeds the time
/// Orleans needs to declare a silo dead (6-13 s on the test cluster; the membership defaults allow up to about a
/// minute) with a margin, so losing a silo that only runs units never fails the job. Any other failure (a unit that
/// throws for its input) is asked again at most <see cref="BacktestJobOptions.ChunkAttempts"/> times: repeating a
/// deterministic error for minutes helps no one.
/// </summary>
public static class UnitRetryPolicy
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(5);

    /// <summary>Whether <paramref name="error"/> is what a lost or unreachable silo looks like to a caller.</summary>
    public static bool IsSiloLoss(Exception error) => error switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException => true,
        OrleansException => true, // connection failures and other runtime faults, not the unit's own exceptions
        AggregateException a => a.InnerExceptions.All(IsSiloLoss),
        _ => false,
    };

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> + 1 of a unit whose first attempt began <paramref name="elapsed"/>
    /// ago, or null when the unit should fail the job now. <paramref name="jitter"/> in [0, 1) spreads retries of many units.
    /// </summary>
    public static TimeSpan? NextDelay(Exception error, int attempt, TimeSpan elapsed, BacktestJobOptions options, double jitter)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(options);
        if (error is ArgumentException)
        {
            return null; // a bad request fails at once
        }

        var backoff = TimeSpan.FromTicks(Math.Min(Cap.Ticks, First.Ticks << Math.Min(attempt - 1, 20)));
        backoff += TimeSpan.FromTicks((long)(backoff.Ticks * 0.5 * jitter));
        if (IsSiloLoss(error))
        {
            return elapsed + backoff <= options.UnitRetryFor ? backoff : null;
        }

        return attempt < options.ChunkAttempts ? backoff : null;
    }

    /// <summary>
    /// Runs <paramref name="call"/> for every unit with at most <see cref="BacktestJobOptions.MaxChunksInFlight"/> in flight; a
    /// failed call is asked again as <see cref="NextDelay"/> says (by time after a lost silo), <paramref name="retrying"/>
    /// told first. The fan-out of backtest jobs and of microstructure studies.
    /// </summary>
    public static Task ForEachAsync<T>(IEnumerable<T> units, BacktestJobOptions options, TimeProvider clock, Func<T, CancellationToken, Task> call,
        Action<Exception, T, int, TimeSpan> retrying, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(retrying);
        return Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxChunksInFlight), CancellationToken = cancellationToken }, async (unit, token) =>
        {
            var began = clock.GetUtcNow();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await call(unit, token).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (!token.IsCancellationRequested
                    && NextDelay(e, attempt, clock.GetUtcNow() - began, options, Random.Shared.NextDouble()) is { } delay)
                {
                    retrying(e, unit, attempt, delay);
                    await Task.Delay(delay, clock, token).ConfigureAwait(false);
                }
            }
        });
    }
}
