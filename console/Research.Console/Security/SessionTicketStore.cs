using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Security;

/// <summary>
/// Keeps the authentication ticket on the server (the silo's session table, through <see cref="ISessionDirectoryGrain"/>);
/// the cookie carries only a random 256-bit session id. Every request looks the session up: a revoked, idle or too old
/// session is refused on that request (the browser is sent to sign in again), which a self-contained cookie could not do.
/// </summary>
public sealed partial class SessionTicketStore(IClusterClient cluster, ILogger<SessionTicketStore> logger) : ITicketStore
{
    private ISessionDirectoryGrain Sessions => cluster.GetGrain<ISessionDirectoryGrain>(0);

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null!, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty;
        var userName = ticket.Principal.Identity?.Name ?? string.Empty;
        var session = await Sessions.CreateAsync(userId, userName, ConsoleClaims.Remote(httpContext), httpContext?.Request.Headers.UserAgent.ToString() ?? string.Empty,
            TicketSerializer.Default.Serialize(WithoutSession(ticket))).ConfigureAwait(false);
        return session.Id;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null!, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var found = await Sessions.LookupAsync(key, touch: true).ConfigureAwait(false);
        if (found is null || found.Invalid is not null)
        {
            if (found is not null)
            {
                LogRefused(logger, key[..Math.Min(8, key.Length)], found.Session.UserName, found.Invalid ?? "-");
            }

            return null;
        }

        // The session claim is derived from the key on every retrieval, never stored: pages learn their own session from it.
        var ticket = TicketSerializer.Default.Deserialize(found.Ticket);
        if (ticket?.Principal.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(ConsoleClaims.Session, key));
        }

        return ticket;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null!, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
        Sessions.RenewAsync(key, TicketSerializer.Default.Serialize(WithoutSession(ticket)));

    /// <summary>The ticket as stored: without the (derived) session claim.</summary>
    private static AuthenticationTicket WithoutSession(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.Principal.Identity is ClaimsIdentity identity)
        {
            foreach (var claim in identity.FindAll(ConsoleClaims.Session).ToList())
            {
                identity.RemoveClaim(claim);
            }
        }

        return ticket;
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, null!, CancellationToken.None);

    public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) => Sessions.EndAsync(key, "signed out");

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {Session} of {User} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string session, string user, string reason);
}
