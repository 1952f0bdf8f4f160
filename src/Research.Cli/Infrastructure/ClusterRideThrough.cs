namespace Research.Cli.Infrastructure;

/// <summary>
/// Calls to the cluster that ride through a silo loss: a call that fails because a silo or gateway went away (an Orleans
/// runtime fault or a timeout, never the call's own error) is tried again every 2 s for up to three minutes, while the
/// client moves to a surviving gateway and the cluster resumes the work. The user reads one line when the connection is
/// lost and one when it is back, not an Orleans stack trace.
/// </summary>
public sealed class ClusterRideThrough(CliOutput output, TimeProvider clock)
{
    /// <summary>How long a lost cluster is waited for before the command gives up.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private DateTimeOffset? _lostSince;

    /// <summary>Runs <paramref name="call"/>, trying again after transient cluster faults; <paramref name="what"/> names it in messages.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        while (true)
        {
            try
            {
                var result = await call().ConfigureAwait(false);
                if (_lostSince is not null)
                {
                    output.Info($"connection to the cluster is back after {(clock.GetUtcNow() - _lostSince.Value).TotalSeconds:F0} s; {what} goes on");
                    _lostSince = null;
                }

                return result;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (_lostSince is null)
                {
                    _lostSince = clock.GetUtcNow();
                    output.Info($"lost the connection to the cluster while {what} ({e.GetType().Name}: {FirstLine(e.Message)}); the cluster resumes its work on a surviving silo; waiting up to {Limit.TotalMinutes:F0} minutes");
                }
                else if (clock.GetUtcNow() - _lostSince.Value > Limit)
                {
                    throw new CliException($"The cluster did not answer for {Limit.TotalMinutes:F0} minutes while {what} ({e.GetType().Name}: {FirstLine(e.Message)}); the work may still finish: look again later ('research backtest list', 'research sync --status').", e);
                }

                await Task.Delay(TimeSpan.FromSeconds(2), clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
