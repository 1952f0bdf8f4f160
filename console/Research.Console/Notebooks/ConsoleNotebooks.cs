using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client.Notebooks;

namespace Research.Console.Notebooks;

/// <summary>A notebook session as the page lists it (never its token).</summary>
public sealed record NotebookRow(string Id, string OwnerName, string Via, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUse, bool Mine, string OpenPath);

/// <summary>
/// Notebook servers for the signed-in user through <see cref="ConsoleActions"/> (<c>notebooks.use</c>; stopping someone
/// else's needs <c>notebooks.stop-any</c>). A start makes the session its own API key (read-only scopes, one day, revoked
/// when the owner stops it) and runs the server on this console's host behind the <see cref="NotebookProxy"/>.
/// </summary>
public sealed class ConsoleNotebooks(IClusterClient cluster, ConsoleActions actions, NotebookLauncher launcher, Microsoft.AspNetCore.Hosting.Server.IServer server, TimeProvider clock)
{
    /// <summary>What a notebook's API key may do: read the warehouse and backtest results, nothing else.</summary>
    public static readonly string[] KeyScopes = [ResearchActions.WarehouseQuery, ResearchActions.BacktestView, ResearchActions.DatasetExplore];

    public const string ProxyPrefix = "/nb/";

    public bool Available => launcher.Available;

    public string Jupyter => launcher.Options.Jupyter;

    public TimeSpan IdleTimeout => launcher.Options.Idle;

    public TimeSpan MaxAge => launcher.Options.Age;

    public static IReadOnlyList<string> Templates => NotebookTemplates.Names;

    /// <summary>The user's sessions; with <c>notebooks.stop-any</c>, everyone's (theirs cannot be opened).</summary>
    public Task<NotebookRow[]> ListAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.NotebooksUse, "notebooks", () =>
        {
            var me = ConsoleClaims.UserId(user);
            var all = ConsoleClaims.Allows(user, ResearchActions.NotebooksStopAny);
            return Task.FromResult(launcher.List().Where(s => all || s.Owner == me)
                .Select(s => new NotebookRow(s.Id, s.OwnerName, s.Via, s.StartedAt, s.ExpiresAt, launcher.LastUse(s.Id), s.Owner == me, s.BasePath + "tree")).ToArray());
        }, new ActionOptions(Audit: false));

    /// <summary>Starts a server for the user (audited as notebooks.use; the API key's creation as apikey.create); its page address.</summary>
    public Task<NotebookRow> StartAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        actions.RunAsync(user, ResearchActions.NotebooksUse, "notebook", async () =>
        {
            var userId = ConsoleClaims.UserId(user) ?? throw new ActionDeniedException("Not allowed: the session has no user id.");
            var name = user.Identity?.Name ?? userId;
            var keys = cluster.GetGrain<IApiKeyGrain>(0);
            var (key, secret) = await keys.CreateAsync(userId, "notebook " + clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), KeyScopes, 1).ConfigureAwait(false);
            try
            {
                var session = await launcher.StartAsync(new NotebookStart(userId, name, "console", ProxyPrefix + "{id}/",
                    new Dictionary<string, string> { ["RESEARCH_URL"] = InternalUrl(), ["RESEARCH_API_KEY"] = secret }, key.Id), ct).ConfigureAwait(false);
                return new NotebookRow(session.Id, session.OwnerName, session.Via, session.StartedAt, session.ExpiresAt, launcher.LastUse(session.Id), true, session.BasePath + "tree");
            }
            catch
            {
                await keys.RevokeAsync(userId, key.Id).ConfigureAwait(false);
                throw;
            }
        });

    /// <summary>Stops a session: the owner's own (its API key revoked), or anyone's with <c>notebooks.stop-any</c>.</summary>
    public async Task<bool> StopAsync(ClaimsPrincipal user, string id)
    {
        var session = launcher.Find(id);
        var mine = session is not null && session.Owner == ConsoleClaims.UserId(user);
        return await actions.RunAsync(user, mine || session is null ? ResearchActions.NotebooksUse : ResearchActions.NotebooksStopAny, "notebook " + id, async () =>
        {
            if (session is null)
            {
                throw new ArgumentException($"No notebook session '{id}' is running.");
            }

            var stopped = await launcher.StopAsync(id).ConfigureAwait(false);
            if (mine && session.ApiKeyId is { } keyId)
            {
                await cluster.GetGrain<IApiKeyGrain>(0).RevokeAsync(session.Owner, keyId).ConfigureAwait(false);
            }

            return stopped;
        }, new ActionOptions(Details: session is null ? null : $"owner {session.OwnerName}")).ConfigureAwait(false);
    }

    /// <summary>How the notebook reaches this console: its own loopback address (the server runs on this host), plain HTTP when it listens on it.</summary>
    private string InternalUrl()
    {
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)).FirstOrDefault()
            ?? throw new InvalidOperationException("The console does not know its own address.");
        var uri = new Uri(chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        return $"{uri.Scheme}://127.0.0.1:{uri.Port}";
    }
}
