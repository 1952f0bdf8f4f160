using System.Net;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client.Notebooks;
using Yarp.ReverseProxy.Forwarder;

namespace Research.Console.Notebooks;

/// <summary>
/// <c>/nb/{id}/...</c>: the only way into a notebook server. The request must come with a live console session (cookie;
/// API keys do not open notebooks) of the session's owner holding <c>notebooks.use</c>; anyone else gets 403 (audited as
/// <c>notebooks.open</c> denied), an unknown or stopped session 404. The request then goes to the server on 127.0.0.1
/// with the session's token added and the console's own cookies and the Origin header taken off (a WebSocket upgrade
/// must come from this console's own origin first); the server's login cookie is not passed back.
/// </summary>
public static class NotebookProxy
{
    public static IEndpointRouteBuilder MapNotebookProxy(this IEndpointRouteBuilder endpoints)
    {
        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        });
        endpoints.Map(ConsoleNotebooks.ProxyPrefix + "{id}/{**rest}", async (HttpContext context, string id, IHttpForwarder forwarder, NotebookLauncher launcher, IClusterClient cluster) =>
        {
            var user = context.User;
            var session = launcher.Find(id);
            if (session is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync($"No notebook session '{id}' is running.").ConfigureAwait(false);
                return;
            }

            var refusal = session.Owner != ConsoleClaims.UserId(user) ? "the notebook belongs to someone else"
                : !ConsoleClaims.Allows(user, ResearchActions.NotebooksUse) ? "the role may not use notebooks"
                : context.WebSockets.IsWebSocketRequest && context.Request.Headers.Origin is { Count: > 0 } origin && !SameOrigin(origin.ToString(), context.Request) ? "a WebSocket from another origin"
                : null;
            if (refusal is not null)
            {
                await cluster.GetGrain<IAuditGrain>(0).AppendAsync(user.Identity?.Name ?? "anonymous", "notebooks.open", "notebook " + id, "denied", null, ConsoleClaims.Remote(context), refusal).ConfigureAwait(false);
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Not allowed: " + refusal + ".").ConfigureAwait(false);
                return;
            }

            launcher.Touch(id);
            var error = await forwarder.SendAsync(context, $"http://127.0.0.1:{session.Port}", client, ForwarderRequestConfig.Empty, new TokenTransformer(session.Token)).ConfigureAwait(false);
            if (error != ForwarderError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                await context.Response.WriteAsync($"The notebook server did not answer ({error}).").ConfigureAwait(false);
            }
        }).RequireAuthorization(ResearchActions.NotebooksUse).DisableAntiforgery();
        return endpoints;
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the server's token; takes off what belongs to the console (its cookies, the caller's Authorization, Origin).</summary>
    private sealed class TokenTransformer(string token) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.Remove("Cookie");
            proxyRequest.Headers.Remove("Origin");
            proxyRequest.Headers.Remove("Referer");
            proxyRequest.Headers.Remove("Authorization");
            proxyRequest.Headers.Remove("X-CSRF-TOKEN");
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", "token " + token);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var go = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
            httpContext.Response.Headers.Remove("Set-Cookie");
            return go;
        }
    }
}
