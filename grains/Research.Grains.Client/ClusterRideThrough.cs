namespace Research.Grains.Client;

/// <summary>
/// Calls to the cluster that ride through a silo loss, for any client (the CLI, the console, a trading service): a call
/// that fails because a silo or gateway went away (an Orleans runtime fault or a timeout, never the call's own error) is
/// tried again every <see cref="RetryEvery"/> for up to <see cref="Limit"/>, while the Orleans client moves to a
/// surviving gateway and the cluster resumes the work (the grains' durable reminders restart it without a client call).
/// The caller hears one line when the connection is lost and one when it is back, through <c>report</c>.
/// </summary>
/// <remarks>
/// Only safe around calls that may be repeated: reads, and writes the grains make idempotent (a job submission is keyed
/// by its spec, a sync start by the writer's single-run rule, an order by its client order id). One instance follows one
/// piece of work; it is not thread-safe.
/// </remarks>
/// <param name="report">Receives the two status lines (lost, back); a service would log them.</param>
/// <param name="clock">Time source for the waits and the limit.</param>
/// <param name="limit">How long a lost cluster is waited for; <see cref="Limit"/> when null.</param>
public sealed class ClusterRideThrough(Action<string> report, TimeProvider clock, TimeSpan? limit = null)
{
    /// <summary>How long a lost cluster is waited for by default: failure detection (about 10-30 s), the reminder that
    /// resumes orphaned work (one minute) and a margin.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>The wait between tries.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _limit = limit ?? Limit;
    private DateTimeOffset? _lostSince;

    /// <summary>Whether <paramref name="error"/> says the cluster (a silo, a gateway, the connection) failed rather than the call.</summary>
    public static bool IsClusterFault(Exception error) => error is OrleansException or TimeoutException;

    /// <summary>Runs <paramref name="call"/>, trying again after cluster faults; <paramref name="what"/> names the work in
    /// the lines reported ("waiting for job bt-1"). Throws <see cref="ClusterUnreachableException"/> once the cluster has
    /// not answered for the limit; the call's own errors pass through at once.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(clock);
        while (true)
        {
            try
            {
                var result = await call().ConfigureAwait(false);
                if (_lostSince is not null)
                {
                    report(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"connection to the cluster is back after {(clock.GetUtcNow() - _lostSince.Value).TotalSeconds:F0} s; {what} goes on"));
                    _lostSince = null;
                }

                return result;
            }
            catch (Exception e) when (IsClusterFault(e) && !cancellationToken.IsCancellationRequested)
            {
                if (_lostSince is null)
                {
                    _lostSince = clock.GetUtcNow();
                    report(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"lost the connection to the cluster while {what} ({e.GetType().Name}: {FirstLine(e.Message)}); the cluster resumes its work on a surviving silo; waiting up to {_limit.TotalMinutes:0.#} minutes"));
                }
                else if (clock.GetUtcNow() - _lostSince.Value > _limit)
                {
                    throw new ClusterUnreachableException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"The cluster did not answer for {_limit.TotalMinutes:0.#} minutes while {what} ({e.GetType().Name}: {FirstLine(e.Message)}); the work may still finish."), e);
                }

                await Task.Delay(RetryEvery, clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>As <see cref="CallAsync{T}(Func{Task{T}}, string, CancellationToken)"/> for a call without a result.</summary>
    public Task CallAsync(Func<Task> call, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return CallAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, what, cancellationToken);
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}

/// <summary>The cluster did not answer within a <see cref="ClusterRideThrough"/>'s limit.</summary>
public sealed class ClusterUnreachableException : Exception
{
    public ClusterUnreachableException()
    {
    }

    public ClusterUnreachableException(string message)
        : base(message)
    {
    }

    public ClusterUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
