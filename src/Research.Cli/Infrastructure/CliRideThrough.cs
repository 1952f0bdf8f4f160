using Research.Grains.Client;

namespace Research.Cli.Infrastructure;

/// <summary>
/// The CLI's cluster calls, riding through a silo loss with the embeddable client's
/// <see cref="Research.Grains.Client.ClusterRideThrough"/>: the two status lines go to stderr, and a cluster gone past
/// the limit ends the command with one line that says where to look later.
/// </summary>
public sealed class CliRideThrough(CliOutput output, TimeProvider clock)
{
    private readonly Research.Grains.Client.ClusterRideThrough _calls = new(line => output.Info(line), clock);

    /// <summary>Runs <paramref name="call"/>, trying again after cluster faults; <paramref name="what"/> names it in messages.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _calls.CallAsync(call, what, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterUnreachableException e)
        {
            throw new CliException($"{e.Message} Look again later ('research backtest list', 'research sync --status').", e);
        }
    }
}
