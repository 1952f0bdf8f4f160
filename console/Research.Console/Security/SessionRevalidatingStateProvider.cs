using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Security;

/// <summary>
/// An open page (a Blazor circuit) does not make HTTP requests, so it re-checks its session every 30 seconds: once the
/// session is revoked, timed out or ended by an administrator, the page loses its signed-in state (and every action
/// through <see cref="ConsoleActions"/> is refused at once, before that).
/// </summary>
public sealed class SessionRevalidatingStateProvider(ILoggerFactory loggerFactory, IClusterClient cluster)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        if (authenticationState.User.FindFirstValue(ConsoleClaims.Session) is not { } id)
        {
            return false;
        }

        var found = await cluster.GetGrain<ISessionDirectoryGrain>(0).LookupAsync(id, touch: false).ConfigureAwait(false);
        return found is { Invalid: null };
    }
}
