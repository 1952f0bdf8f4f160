using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Api;

/// <summary>Sign-out: a POST with the antiforgery token (a link on another site cannot sign a user out); the server-side session ends.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/signout", async (HttpContext context, IAntiforgery antiforgery, IClusterClient cluster) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Results.BadRequest("The sign-out form is stale or forged (antiforgery token missing or wrong); reload the page.");
            }

            var name = context.User.Identity?.Name ?? "anonymous";
            var session = context.User.FindFirstValue(ConsoleClaims.Session);
            await context.SignOutAsync(ConsoleClaims.CookieScheme).ConfigureAwait(false);
            await cluster.GetGrain<IAuditGrain>(0).AppendAsync(name, "sign-out", session is null ? "-" : session[..8], "ok", null, ConsoleClaims.Remote(context), null).ConfigureAwait(false);
            return Results.Redirect("/signin");
        }).AllowAnonymous();
        return endpoints;
    }
}
