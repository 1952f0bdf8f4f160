using Research.Console.Journal;

namespace Research.Console.Api;

/// <summary>
/// <c>GET /api/journal/export?source=backtest&amp;job=...&amp;format=csv|parquet</c> (and the page's filters): the journal's
/// trades with their tags and notes as a file (<c>journal.view</c>; an account's fills need <c>trading.view</c>); audited by the grain.
/// </summary>
public static class JournalApi
{
    public static IEndpointRouteBuilder MapJournalApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/journal").RequireAuthorization().DisableAntiforgery()
            .MapGet("/export", async (HttpContext http, ConsoleJournal journal, string? source, string? job, string? account, string? from, string? to, string? security,
                string? strategy, string? side, string? minPnl, string? maxPnl, string? tag, string? format) =>
            {
                try
                {
                    var query = ConsoleJournal.Parse(source, job, account, from, to, security, strategy, side, minPnl, maxPnl, tag);
                    var file = await journal.ExportAsync(http.User, query, format ?? "csv").ConfigureAwait(false);
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
