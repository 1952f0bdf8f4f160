using System.Security.Claims;
using Research.Console.Security;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Console.Data;

/// <summary>
/// The dataset explorer page's calls through <see cref="ConsoleActions"/>. Browsing is not audited; the explorer grain
/// audits every query and export itself (with the SQL and whether it was refused), so the console writes no second row.
/// </summary>
public sealed class ConsoleExplorer(IClusterClient cluster, ConsoleActions actions)
{
    private IDatasetExplorerGrain Explorer => cluster.GetGrain<IDatasetExplorerGrain>(0);

    public Task<ExplorerDataset[]> ListAsync(ClaimsPrincipal user) =>
        actions.RunAsync(user, ResearchActions.DatasetExplore, "datasets", () => Explorer.ListAsync(), new ActionOptions(Audit: false));

    public Task<ExplorerDetail> DescribeAsync(ClaimsPrincipal user, string dataset, string? versionId, int previewRows = 50) =>
        actions.RunAsync(user, ResearchActions.DatasetExplore, dataset, () => Explorer.DescribeAsync(dataset, versionId, previewRows), new ActionOptions(Audit: false));

    public Task<QualityView> QualityAsync(ClaimsPrincipal user, string dataset, int versions = 20) =>
        actions.RunAsync(user, ResearchActions.DatasetExplore, dataset, () => Explorer.QualityAsync(dataset, versions), new ActionOptions(Audit: false));

    public Task<ExplorerTable> QueryAsync(ClaimsPrincipal user, ExplorerQuery query) =>
        actions.RunAsync(user, ResearchActions.WarehouseQuery, "warehouse", () => Explorer.QueryAsync(query), new ActionOptions(Audit: false));

    public Task<ExplorerExport> ExportAsync(ClaimsPrincipal user, ExplorerQuery query, string format) =>
        actions.RunAsync(user, ResearchActions.WarehouseQuery, "warehouse", () => Explorer.ExportAsync(query, format), new ActionOptions(Audit: false));

    /// <summary>Pins written <c>crsp/daily=v1,compustat/annual=v2</c> (an empty text: none); a malformed pair is refused by name.</summary>
    public static Dictionary<string, string> Pins(string? text)
    {
        var pins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                throw new ArgumentException($"versions: '{pair}' is not dataset=version.");
            }

            pins[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        return pins;
    }

    /// <summary>The pins in the form <see cref="Pins"/> reads.</summary>
    public static string PinText(IReadOnlyDictionary<string, string> pins) => string.Join(",", pins.Select(p => $"{p.Key}={p.Value}"));
}
