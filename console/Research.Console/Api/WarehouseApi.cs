using Research.Console.Data;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Console.Api;

/// <summary>A sync request over HTTP: the datasets and whether only what is new is fetched.</summary>
public sealed record SyncStartRequest(string[] Datasets, bool Incremental = true);

/// <summary>
/// <c>POST /api/warehouse/sync</c>: starts a sync through the cluster's single writer (operators; with the console's
/// session the antiforgery header is needed), answering 202 with the job; a refusal is 403 and audited, bad input 400.
/// <c>GET /api/warehouse/export?sql=...&amp;format=csv|parquet&amp;versions=crsp/daily=v1,...</c>: a read-only query's
/// result as a file (researchers; the explorer links here); a refused query is 400 with the reason, audited by the grain.
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
        endpoints.MapGroup("/api/warehouse").RequireAuthorization().DisableAntiforgery()
            .MapGet("/export", async (HttpContext http, ConsoleExplorer explorer, string? sql, string? format, string? versions) =>
            {
                try
                {
                    var file = await explorer.ExportAsync(http.User, new ExplorerQuery(sql ?? string.Empty, ConsoleExplorer.Pins(versions)), format ?? "csv").ConfigureAwait(false);
                    return Results.File(file.Content, file.ContentType, file.FileName);
                }
                catch (Exception e) when (ApiErrors.For(e) is { } answer)
                {
                    return answer;
                }
            });
        return endpoints;
    }
}
