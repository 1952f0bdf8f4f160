using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Security;

/// <summary>
/// <c>Authorization: Bearer rk_...</c> for programmatic access to <c>/api</c>: the key must be live and its owner
/// enabled (checked in the silo); the principal has the owner's current role and grants plus the key's scopes, so a key
/// can do at most what both allow (<see cref="ConsoleActions"/>). Keys never open pages or take step-up actions.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IClusterClient cluster)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var verified = await cluster.GetGrain<IApiKeyGrain>(0).VerifyAsync(header["Bearer ".Length..].Trim()).ConfigureAwait(false);
        if (verified is null)
        {
            return AuthenticateResult.Fail("API key unknown, expired or revoked, or its owner is disabled.");
        }

        // Pending account steps (new password, 2FA) concern the console, not a key already issued.
        var principal = ConsoleClaims.Principal(verified.Owner, SchemeName, pendingSteps: false);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(ConsoleClaims.ApiKey, verified.Key.Id));
        foreach (var scope in verified.Key.Scopes)
        {
            identity.AddClaim(new Claim(ConsoleClaims.Scope, scope));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
