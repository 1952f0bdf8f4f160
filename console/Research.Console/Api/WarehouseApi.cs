using Research.Console.Data;

namespace Research.Console.Api;

/// <summary>A sync request over HTTP: the datasets and whether only what is new is fetched.</summary>
public sealed record SyncStartRequest(string[] Datasets, bool Incremental = true);

/// <summary>
/// <c>POST /api/warehouse/sync</c>: starts a sync through the cluster's single writer (operators; with the console's
/// session the antiforgery header is needed), answering 202 with the job; a refusal is 403 and audited, bad input 400.
/// </summary>
public static class WarehouseApi
{
    public static IEndpointRouteBuilder MapWarehouseApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/warehouse").RequireAuthorization().DisableAntiforgery()
            .MapPost("/sync", (HttpContext http, ConsoleDataSync data) => BacktestApi.Handle(http, async () =>
            {
                var request = await BacktestApi.ReadAsync<SyncStartRequest>(http).ConfigureAwait(false);
                return Results.Accepted(value: await data.StartAsync(http.User, request.Datasets ?? [], request.Incremental).ConfigureAwait(false));
            }, write: true));
        return endpoints;
    }
}
