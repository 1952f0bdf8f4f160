using Microsoft.Extensions.DependencyInjection;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Client;

/// <summary>
/// For clients that act as one identity (the CLI, a trading service): puts that identity on every outgoing grain call
/// that does not already carry one. The console does not use it; it sets the signed-in user per action.
/// </summary>
public sealed class CallerIdentityFilter(CallerIdentity identity) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (CallerIdentity.Current is null)
        {
            identity.Apply();
        }

        return context.Invoke();
    }
}

public static class CallerIdentityClientExtensions
{
    /// <summary>Calls from this client carry <paramref name="identity"/> unless the caller set another.</summary>
    public static IClientBuilder UseCallerIdentity(this IClientBuilder client, CallerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(identity);
        client.Services.AddSingleton<IOutgoingGrainCallFilter>(new CallerIdentityFilter(identity));
        return client;
    }
}
