using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Compustat;

/// <summary><c>research compustat fundamentals --gvkey G --as-of D</c>: what was known about a company on a date.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class CompustatCommand
{
    /// <summary>The datasets a Compustat lookup reads.</summary>
    internal static readonly string[] Datasets = ["compustat/annual", "compustat/quarterly", "ccm/links"];

    public static Command Create(CliOutput output)
    {
        var compustat = new Command("compustat", "Point-in-time Compustat fundamentals.");
        compustat.Subcommands.Add(FundamentalsCommand.Create(output));
        compustat.Subcommands.Add(LookupCommand.Create(output));
        return compustat;
    }

}
