using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Crsp;

namespace Research.Cli.Commands.Crsp;

/// <summary><c>research crsp universe|returns|lookup</c>: point-in-time CRSP answers from the warehouse.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class CrspCommand
{
    private static readonly string[] Datasets = ["crsp/daily", "crsp/names", "crsp/delisting"];
    public static Command Create(CliOutput output)
    {
        var crsp = new Command("crsp", "Point-in-time CRSP: universe, returns with delisting returns, ticker lookup.");
        crsp.Subcommands.Add(UniverseCommand.Create(output));
        crsp.Subcommands.Add(ReturnsCommand.Create(output));
        crsp.Subcommands.Add(LookupCommand.Create(output));
        return crsp;
    }

    internal static int Run(ParseResult parse, CliOutput output, Action<CrspProvider> action)
    {
        using var session = WarehouseOptions.OpenDatasets(parse, Datasets, "'research sync --full-sync --dataset crsp'");
        action(new CrspProvider(session));
        return ExitCodes.Ok;
    }
}
