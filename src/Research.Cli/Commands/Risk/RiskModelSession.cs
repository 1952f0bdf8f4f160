using System.CommandLine;
using Research.Analytics.Risk;
using Research.Cli.Commands.Factors;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Risk;

/// <summary>A reader pinned to the stored risk model (and crsp/names for tickers), for the commands that use a forecast.</summary>
internal static class RiskModelSession
{
    /// <summary>Opens the risk/* datasets (one consistent fit) and crsp/names when present; says to run 'research risk fit' when missing.</summary>
    public static WarehouseQuerySession Open(ParseResult parse)
    {
        var layout = WarehouseOptions.Layout(parse);
        var catalog = new WarehouseCatalog(layout);
        List<string> datasets = [.. RiskModelStore.Datasets, .. catalog.ReadCurrent("crsp/names") is null ? [] : (string[])["crsp/names"]];
        var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research risk fit'");
        try
        {
            FactorsCommand.Guard(() => RiskModelStore.RequireConsistentFit(session));
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
