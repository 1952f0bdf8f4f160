using Research.Grains.Abstractions.Security;

namespace Research.Grains.Security;

/// <summary>
/// Checks of the caller's rights inside a grain. Calls between grains pass <see cref="ActionAuthorizationFilter"/> (they
/// are the cluster's own), so a grain that reads another area's data on a client's behalf (the risk dashboard an
/// account's positions, the journal a backtest's trades) checks that the client may see it.
/// </summary>
public static class CallerRights
{
    /// <summary>Throws <see cref="ActionDeniedException"/> unless the call's <see cref="CallerIdentity"/> may take <paramref name="action"/>.</summary>
    public static void Require(string action)
    {
        var caller = CallerIdentity.Current;
        if (caller is null || !ResearchActions.Allows(caller.Role, action))
        {
            throw new ActionDeniedException(action, caller?.Actor, caller?.Role ?? Role.None);
        }
    }
}
