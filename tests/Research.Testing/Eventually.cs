using System.Diagnostics;

namespace Research.Testing;

/// <summary>
/// The one way tests wait for something that happens elsewhere (a job on a cluster, a sync in another task): poll with a
/// deadline, and on timeout fail with what was awaited and the last value seen. No test polls in an unbounded loop.
/// The deadline is generous on purpose: it bounds a hang, it is not a timing assertion.
/// </summary>
public static class Eventually
{
    /// <summary>Default deadline: a minute and a half (a busy CI machine with two cores).</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(90);

    /// <summary>Polls <paramref name="probe"/> every <paramref name="interval"/> (default 50 ms) until <paramref name="done"/> holds; returns that value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? deadline = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var limit = deadline ?? DefaultDeadline;
        var pause = interval ?? TimeSpan.FromMilliseconds(50);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }

            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: not within {limit.TotalSeconds:F0} s; last seen: {value}");
            }

            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a condition (see <see cref="UntilAsync{T}"/>).</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), ok => ok, what, deadline, interval, cancellationToken);
    }
}
