using Research.Console.Tax;

namespace Research.Console.Api;

/// <summary>
/// <c>GET /api/tax/export?accounts=A,B&amp;method=fifo&amp;year=2026&amp;format=8949|txf&amp;oneOwner=true&amp;equivalents=X,Y</c>:
/// the realised lines for tax software (the tax page links here); audited by the tax grain; refusals are 403, bad input 400.
/// </summary>
public static class TaxApi
{
    public static IEndpointRouteBuilder MapTaxApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/tax").RequireAuthorization().DisableAntiforgery()
            .MapGet("/export", async (HttpContext http, ConsoleTax tax, string? accounts, string? method, int? year, string? format, bool? oneOwner, string? equivalents) =>
            {
                try
                {
                    var file = await tax.ExportAsync(http.User, ConsoleTax.Query(accounts, method, year, oneOwner ?? true, equivalents), format ?? "8949").ConfigureAwait(false);
                    return Results.File(System.Text.Encoding.UTF8.GetBytes(file.Text), file.ContentType, file.FileName);
                }
                catch (Exception e) when (ApiErrors.For(e) is { } answer)
                {
                    return answer;
                }
            });
        return endpoints;
    }
}
