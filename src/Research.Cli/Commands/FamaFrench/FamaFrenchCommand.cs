using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.FamaFrench;

/// <summary><c>research ff factors</c>: Fama-French factor returns from the warehouse (decimals).</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class FamaFrenchCommand
{
    public static Command Create(CliOutput output)
    {
        var ff = new Command("ff", "Fama-French factors from the warehouse.");
        ff.Subcommands.Add(FactorReturnsCommand.Create(output));
        return ff;
    }

}
