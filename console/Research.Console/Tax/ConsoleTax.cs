using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Tax;

namespace Research.Console.Tax;

/// <summary>The tax page's calls through <see cref="ConsoleActions"/>; the tax grain audits each computation and export with the user the console passes.</summary>
public sealed class ConsoleTax(IClusterClient cluster, ConsoleActions actions)
{
    private ITaxGrain Grain => cluster.GetGrain<ITaxGrain>(0);

    public Task<TaxView> ComputeAsync(ClaimsPrincipal user, TaxQuery query) =>
        actions.RunAsync(user, ResearchActions.TaxView, string.Join(",", query.Accounts), () => Grain.ComputeAsync(query), new ActionOptions(Audit: false));

    public Task<TaxExportFile> ExportAsync(ClaimsPrincipal user, TaxQuery query, string format) =>
        actions.RunAsync(user, ResearchActions.TaxView, string.Join(",", query.Accounts), () => Grain.ExportAsync(query, format), new ActionOptions(Audit: false));

    /// <summary>The query a page or a link carries: accounts comma-separated, equivalent sets as <c>A,B;C,D</c>.</summary>
    public static TaxQuery Query(string? accounts, string? method, int? year, bool oneOwner, string? equivalents) =>
        new([.. (accounts ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)], string.IsNullOrWhiteSpace(method) ? "fifo" : method, year, oneOwner,
            [.. (equivalents ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]);
}
