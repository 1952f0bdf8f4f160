using Research.Console.Reports;

namespace Research.Console.Api;

/// <summary>
/// <c>GET /api/reports/{id}/{format}</c>: an archived report's PDF or HTML page (the reports page links here), for the
/// console's session or an API key; refusals are 403 with the reason; the download is audited by the report grain.
/// </summary>
public static class ReportApi
{
    public static IEndpointRouteBuilder MapReportApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/reports").RequireAuthorization().DisableAntiforgery()
            .MapGet("/{id}/{format}", async (HttpContext http, ConsoleReports reports, string id, string format) =>
            {
                try
                {
                    var file = await reports.DownloadAsync(http.User, id, format).ConfigureAwait(false);
                    return Results.File(file.Content, file.ContentType, format == "pdf" ? file.FileName : null); // a page opens in the browser; a PDF downloads
                }
                catch (Exception e) when (ApiErrors.For(e) is { } answer)
                {
                    return answer;
                }
            });
        return endpoints;
    }
}
